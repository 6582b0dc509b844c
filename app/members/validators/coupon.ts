import vine from '@vinejs/vine'

/** An ISO 8601 instant with its offset, e.g. 2026-12-01T00:00:00+08:00. */
const instant = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/)
    .transform((text) => new Date(text))

const couponCode = () =>
  vine
    .string()
    .trim()
    .minLength(4)
    .maxLength(40)
    .regex(/^[A-Za-z0-9-]+$/)

/** A campaign with one code of the venue's choosing, or `count` generated ones (one when neither is given). */
export const createCouponValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(80),
  kind: vine.enum(['amount_off', 'percent_off'] as const),
  /** Fen off, or percent off (1–100). */
  value: vine.number().withoutDecimals().min(1),
  minSpend: vine.number().withoutDecimals().min(0).optional(),
  productIds: vine.array(vine.number().withoutDecimals().positive()).maxLength(200).distinct().optional(),
  validFrom: instant().optional(),
  validUntil: instant().optional(),
  usesPerCode: vine.number().withoutDecimals().range([1, 1_000_000]).optional(),
  usesPerVisitor: vine.number().withoutDecimals().min(1).nullable().optional(),
  giveBackOnRefund: vine.boolean().optional(),
  code: couponCode().optional(),
  count: vine.number().withoutDecimals().range([1, 5000]).optional(),
})
