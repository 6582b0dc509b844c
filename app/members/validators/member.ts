import vine from '@vinejs/vine'
import { mobilePhone } from '#orders/validators/order'

const id = () => vine.number().withoutDecimals().positive()

/** A tier's terms (created, or replaced whole by PUT). */
export const tierValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(40),
  description: vine.string().trim().maxLength(300).nullable().optional(),
  /** Fen; 0 is a free tier. */
  price: vine.number().withoutDecimals().range([0, 10_000_000]),
  validityDays: vine.number().withoutDecimals().range([1, 36_500]).nullable().optional(),
  memberPrice: vine.boolean().optional(),
  /** Percent off where there is no member price (10 = pay 90%). */
  discountPercent: vine.number().withoutDecimals().range([0, 99]).optional(),
  /** Points earned per `earnPerFen` fen paid. */
  earnPoints: vine.number().withoutDecimals().range([0, 10_000]).optional(),
  earnPerFen: vine.number().withoutDecimals().range([1, 1_000_000]).optional(),
  priorityHours: vine.number().withoutDecimals().range([0, 8760]).optional(),
  status: vine.enum(['active', 'inactive'] as const).optional(),
})

/** What points are worth at checkout: `redeemPoints` points take `redeemFen` fen off, on up to `redeemMaxPercent`% of an order. */
export const pointsSettingsValidator = vine.create({
  redeemPoints: vine.number().withoutDecimals().range([1, 1_000_000]),
  redeemFen: vine.number().withoutDecimals().range([1, 1_000_000]),
  redeemMaxPercent: vine.number().withoutDecimals().range([0, 100]),
})

export const memberSearchValidator = vine.create({
  phone: vine.string().trim().maxLength(20).optional(),
  name: vine.string().trim().maxLength(60).optional(),
  tierId: id().optional(),
  status: vine.enum(['active', 'expired', 'cancelled'] as const).optional(),
  page: vine.number().withoutDecimals().min(1).optional(),
  perPage: vine.number().withoutDecimals().range([1, 100]).optional(),
})

/** Staff grant a tier to a visitor (by account id or phone), saying why; a paid tier with what was taken at the desk. */
export const grantMemberValidator = vine.create({
  visitorId: id().optional().requiredIfMissing('phone'),
  phone: mobilePhone().optional(),
  tierId: id(),
  note: vine.string().trim().minLength(2).maxLength(200),
  paidAmount: vine.number().withoutDecimals().range([0, 10_000_000]).optional(),
})

export const extendMemberValidator = vine.create({
  days: vine.number().withoutDecimals().range([1, 36_500]),
  note: vine.string().trim().minLength(2).maxLength(200),
})

export const cancelMemberValidator = vine.create({
  reason: vine.string().trim().minLength(2).maxLength(200),
})

export const adjustPointsValidator = vine.create({
  /** Points added (positive) or taken (negative). */
  delta: vine.number().withoutDecimals().range([-10_000_000, 10_000_000]),
  reason: vine.string().trim().minLength(2).maxLength(200),
})

export const joinValidator = vine.create({
  tierId: id(),
})
