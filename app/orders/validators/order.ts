import vine from '@vinejs/vine'
import { holdFields } from '#inventory/validators/hold'
import { mainlandIdNumber } from '#inventory/validators/frequent_visitor'

/** A mainland mobile number (11 digits starting 1[3-9]). */
export const mobilePhone = () =>
  vine
    .string()
    .trim()
    .regex(/^1[3-9]\d{9}$/)

const ticketIds = () => vine.array(vine.number().withoutDecimals().positive()).minLength(1).maxLength(100).distinct()

/** ?ticketIds=1,2,3 */
const ticketIdsParam = () =>
  vine
    .string()
    .regex(/^\d+(,\d+)*$/)
    .transform((text) => text.split(',').map(Number))
    .optional()

/**
 * A real-name holder at checkout: a name and ID number typed in, or one of the signed-in visitor's
 * saved holders (常用游客) by id, whose stored name and ID number the server uses (the H5 only ever
 * sees them masked).
 */
const checkoutHolder = () =>
  vine.object({
    item: vine.number().withoutDecimals().min(0),
    frequentVisitorId: vine.number().withoutDecimals().positive().optional(),
    name: vine.string().trim().minLength(1).maxLength(40).optional().requiredIfMissing('frequentVisitorId'),
    idNumber: mainlandIdNumber().optional().requiredIfMissing('frequentVisitorId'),
    phone: mobilePhone().optional(),
  })

/** A coupon or voucher code as typed (matched case-insensitively by Coupons). */
export const couponCode = () => vine.string().trim().minLength(4).maxLength(40).optional()

/** Points (积分) to use; a member only (docs/members.md). */
const usePoints = () => vine.number().withoutDecimals().range([1, 100_000_000]).optional()

/** Checkout: what to hold, who holds each real-name ticket, and whom to reach. */
export const placeOrderValidator = vine.create({
  ...holdFields(),
  holders: vine.array(checkoutHolder()).maxLength(100).optional(),
  contact: vine.object({
    name: vine.string().trim().minLength(1).maxLength(40).optional(),
    phone: mobilePhone(),
  }),
  couponCode: couponCode(),
  usePoints: usePoints(),
})

/**
 * The quote before ordering: checkout's body, of which only what sets the price is read (holders
 * and contact, perhaps half typed, are left out: they change nothing in the price).
 */
export const quoteOrderValidator = vine.create({
  items: holdFields().items,
  couponCode: couponCode(),
  usePoints: usePoints(),
})

/** A client's idempotency key (a UUID or similar random text), at most `maxLength` characters. */
export const idempotencyKey = (maxLength: number) =>
  vine
    .string()
    .trim()
    .minLength(8)
    .maxLength(maxLength)
    .regex(/^[A-Za-z0-9_\-:.]+$/)

/** The client's idempotency key for checkout. */
export const idempotencyKeyValidator = vine.create({ key: idempotencyKey(80) })

export const startPaymentValidator = vine.create({
  channel: vine.enum(['wechat_pay', 'alipay', 'unionpay'] as const),
  method: vine.string().trim().maxLength(12),
  /** Where the browser returns after paying: only a path of this venue's pages. */
  returnPath: vine
    .string()
    .trim()
    .maxLength(300)
    .regex(/^\/(?!\/)[^\s]*$/)
    .optional(),
})

export const refundAskValidator = vine.create({
  ticketIds: ticketIds().optional(),
  reason: vine.string().trim().maxLength(200).optional(),
})

export const refundQuoteValidator = vine.create({
  ticketIds: ticketIdsParam(),
})

export const staffRefundValidator = vine.create({
  ticketIds: ticketIds().optional(),
  reason: vine.string().trim().minLength(1).maxLength(200),
  /** Refund outside the product's rules, keeping this fee (fen); the reason is recorded in the audit log. */
  override: vine
    .object({
      fee: vine.number().withoutDecimals().min(0),
      reason: vine.string().trim().minLength(3).maxLength(200),
    })
    .optional(),
})

export const rejectRefundValidator = vine.create({
  reason: vine.string().trim().minLength(1).maxLength(200),
})

export const orderSearchValidator = vine.create({
  number: vine.string().trim().maxLength(24).optional(),
  phone: vine.string().trim().maxLength(20).optional(),
  idNumber: vine.string().trim().maxLength(30).optional(),
  status: vine.string().trim().maxLength(20).optional(),
  channel: vine.enum(['wechat_pay', 'alipay', 'unionpay'] as const).optional(),
  openid: vine.string().trim().maxLength(64).optional(),
  awaitingReview: vine.boolean().optional(),
  from: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
  to: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
  page: vine.number().withoutDecimals().min(1).optional(),
  perPage: vine.number().withoutDecimals().range([1, 100]).optional(),
})

/** 改签: move these tickets (all valid ones when left out) to another session of their product. */
export const changeAskValidator = vine.create({
  ticketIds: ticketIds().optional(),
  toSessionId: vine.number().withoutDecimals().positive(),
})

export const changeQuoteValidator = vine.create({
  toSessionId: vine.number().withoutDecimals().positive(),
  ticketIds: ticketIdsParam(),
})
