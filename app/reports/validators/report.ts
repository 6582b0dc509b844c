import vine from '@vinejs/vine'

/** A calendar day at the venue (Asia/Shanghai), e.g. 2026-11-25. */
const day = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/)

const PAYMENT_CHANNELS = ['wechat_pay', 'alipay', 'unionpay', 'free'] as const

/** The days a report covers, both included (at most MAX_RANGE_DAYS). */
export const statisticsValidator = vine.create({
  from: day(),
  to: day(),
})

/** An export: its days and optional filters. */
export const exportValidator = vine.create({
  from: day(),
  to: day(),
  format: vine.enum(['csv', 'xlsx'] as const).optional(),
  /** The order's status (orders, tickets), the ticket's (tickets), the refund's (refunds) or the scan's result (check-ins). */
  status: vine
    .string()
    .trim()
    .regex(/^[a-z_]{2,20}$/)
    .optional(),
  productId: vine.number().withoutDecimals().positive().optional(),
  /** The payment channel, or free (nothing paid). */
  channel: vine.enum(PAYMENT_CHANNELS).optional(),
})

export const settlementListValidator = vine.create({
  from: day(),
  to: day(),
  channel: vine.enum(['wechat_pay', 'alipay', 'unionpay'] as const).optional(),
})

export const confirmSettlementValidator = vine.create({
  /** Required when the day has differences: how they were explained. */
  note: vine.string().trim().minLength(1).maxLength(500).optional(),
})
