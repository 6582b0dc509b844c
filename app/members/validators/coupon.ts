import vine from '@vinejs/vine'

/** An ISO 8601 instant with its offset, e.g. 2026-12-01T00:00:00+08:00; null clears it where allowed. */
const instant = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/)
    // Vine runs a transform on null too (a nullable field): null stays null, "no limit".
    .transform((text: string | null) => (text === null ? null : new Date(text)))

const couponCode = () =>
  vine
    .string()
    .trim()
    .minLength(4)
    .maxLength(40)
    .regex(/^[A-Za-z0-9-]+$/)

/** A campaign's terms: all but name, kind and value optional (defaults on creation, unchanged on edit). */
function terms() {
  return {
    minSpend: vine.number().withoutDecimals().min(0).optional(),
    /** The products it applies to and, among them, the voucher-only ones it unlocks; empty: all. */
    productIds: vine.array(vine.number().withoutDecimals().positive()).maxLength(200).distinct().optional(),
    validFrom: instant().nullable().optional(),
    validUntil: instant().nullable().optional(),
    usesPerCode: vine.number().withoutDecimals().range([1, 1_000_000]).optional(),
    usesPerVisitor: vine.number().withoutDecimals().min(1).nullable().optional(),
    giveBackOnRefund: vine.boolean().optional(),
    /** Places set aside for its codes (预留名额), per session; replaces the campaign's list. */
    reserves: vine
      .array(vine.object({ sessionId: vine.number().withoutDecimals().positive(), places: vine.number().withoutDecimals().range([0, 100_000]) }))
      .maxLength(200)
      .distinct('sessionId')
      .optional(),
  }
}

const kind = () => vine.enum(['amount_off', 'percent_off', 'none'] as const)
/** Fen off, percent off (1–100), or 0 for a voucher without a discount. */
const value = () => vine.number().withoutDecimals().min(0)
const name = () => vine.string().trim().minLength(1).maxLength(80)

/** One code of the venue's choosing, or `count` generated ones (one when neither is given). */
function newCodes() {
  return {
    code: couponCode().optional(),
    count: vine.number().withoutDecimals().range([1, 5000]).optional(),
  }
}

export const createCouponValidator = vine.create({ name: name(), kind: kind(), value: value(), ...terms(), ...newCodes() })

export const updateCouponValidator = vine.create({ name: name().optional(), kind: kind().optional(), value: value().optional(), ...terms() })

export const addCouponCodesValidator = vine.create(newCodes())

/** `?voucher=CODE` on a visitor page. */
export const voucherQueryValidator = vine.create({
  voucher: vine.string().trim().maxLength(40).optional(),
})
