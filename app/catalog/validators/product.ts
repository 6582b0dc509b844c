import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { DateTime } from 'luxon'
import { PRODUCT_KINDS } from '#catalog/models/product'
import { instant, localDate, recordId, wholeNumber } from '#catalog/validators/site'

export const PRODUCT_STATUSES = ['draft', 'on_sale', 'off_sale'] as const

/**
 * Refund tiers run from the earliest deadline to the latest: hoursBefore strictly decreases and
 * the fee never shrinks closer to the start. Reported on the list itself, as one error.
 */
const refundLadder = vine.createRule((value, _options, field) => {
  if (!vine.helpers.isArray<{ hoursBefore?: unknown; feePercent?: unknown } | null>(value)) return
  const tiers = value.map((tier) => ({ hours: Number(tier?.hoursBefore), fee: Number(tier?.feePercent) }))
  // Array rules see the raw items: a malformed tier is reported by its own field instead.
  if (tiers.some((tier) => !Number.isFinite(tier.hours) || !Number.isFinite(tier.fee))) return
  for (let index = 1; index < tiers.length; index += 1) {
    const [earlier, later] = [tiers[index - 1], tiers[index]]
    if (later.hours >= earlier.hours) {
      return field.report('List the tiers with hoursBefore strictly decreasing', 'refundLadder', field)
    }
    if (later.fee < earlier.fee) {
      return field.report('The fee must not shrink closer to the start: feePercent cannot decrease from one tier to the next', 'refundLadder', field)
    }
  }
})

/** 年卡: a pass product's rules (app/members/services/pass_rules.ts). */
function passRules() {
  return vine.object({
    validity: vine.object({ unit: vine.enum(['days', 'months'] as const), length: wholeNumber(1, 3660) }),
    activation: vine.enum(['first_entry', 'manual'] as const),
    activationWindowDays: wholeNumber(0, 3660),
    entries: wholeNumber(1, 100_000).nullable(),
    oncePerSitePerDay: vine.boolean(),
    /** Single days, or ranges (to defaults to from). */
    blackoutDates: vine.array(vine.object({ from: localDate(), to: localDate().optional() })).maxLength(366),
    /** Empty: every site of the venue. */
    siteIds: vine.array(recordId()).maxLength(100).distinct(),
    renewal: vine.object({ price: wholeNumber(0), opensDaysBefore: wholeNumber(0, 3660), closesDaysAfter: wholeNumber(0, 3660) }).nullable(),
  })
}

/**
 * A sale window's end, or null for "no limit". A field keeps one transform, and Vine runs it on
 * null too: this one replaces instant()'s, so null stays null (the ISO check still applies to text).
 */
function saleLimit() {
  return instant()
    .nullable()
    .transform((value: unknown) => (typeof value === 'string' ? DateTime.fromISO(value, { setZone: true }) : null))
}

/** What a product is made of; every field but its site can change later. */
function productFields() {
  return {
    name: vine.string().trim().minLength(1).maxLength(100),
    kind: vine.enum(PRODUCT_KINDS),
    basePrice: wholeNumber(0),
  }
}

function productDetails() {
  return {
    zoneId: recordId().nullable(),
    description: vine.string().trim().maxLength(5000).nullable(),
    images: vine.array(vine.string().trim().url().maxLength(500)).maxLength(20),
    seating: vine.enum(['general', 'reserved'] as const),
    validity: vine.enum(['session', 'open_date'] as const),
    saleStartsAt: saleLimit(),
    saleEndsAt: saleLimit(),
    minPerOrder: wholeNumber(1),
    maxPerOrder: wholeNumber(1),
    partyMin: wholeNumber(1).nullable(),
    partyMax: wholeNumber(1).nullable(),
    realNameRequired: vine.boolean(),
    requiresVoucher: vine.boolean(),
    idLimitScope: vine.enum(['none', 'session', 'day'] as const),
    refundable: vine.boolean(),
    changeable: vine.boolean(),
    refundTiers: vine
      .array(vine.object({ hoursBefore: wholeNumber(0), feePercent: vine.number().range([0, 100]) }))
      .maxLength(20)
      .use(refundLadder()),
    passRules: passRules().nullable(),
    /** A package's parts; replaces the stored ones when given. */
    parts: vine
      .array(vine.object({ productId: recordId(), quantity: wholeNumber(1, 100) }))
      .maxLength(20)
      .distinct('productId'),
  }
}

export const createProductValidator = vine.create({
  siteId: recordId(),
  ...productFields(),
  ...vine.helpers.optional(productDetails()),
})

export const updateProductValidator = vine.create(
  vine.helpers.optional({ ...productFields(), ...productDetails(), status: vine.enum(PRODUCT_STATUSES) })
)

export const productQueryValidator = vine.create({
  siteId: recordId().optional(),
  status: vine.enum(PRODUCT_STATUSES).optional(),
})

/** A list of product ids, each once (quotas). */
export function productIds() {
  return vine.array(recordId()).minLength(1).maxLength(100).distinct()
}

export type NewProduct = Infer<typeof createProductValidator>
export type ProductChanges = Infer<typeof updateProductValidator>
export type ProductFilters = Infer<typeof productQueryValidator>
