import vine from '@vinejs/vine'
import { holdFields } from '#inventory/validators/hold'
import { mobilePhone } from '#orders/validators/order'

/** http(s) with a host, as for the venue's webhooks. */
const callbackUrl = () => vine.string().trim().maxLength(500).url({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }).nullable()
const day = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/)

const details = () => ({
  contactName: vine.string().trim().maxLength(40).nullable().optional(),
  contactPhone: vine.string().trim().maxLength(20).nullable().optional(),
  contactEmail: vine.string().trim().email().maxLength(254).nullable().optional(),
  callbackUrl: callbackUrl().optional(),
})

export const createDistributorValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(80),
  ...details(),
})

export const updateDistributorValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(80).optional(),
  ...details(),
  status: vine.enum(['active', 'suspended'] as const).optional(),
})

export const authoriseProductValidator = vine.create({
  /** Fen per ticket the distributor pays the venue (at most the sale price). */
  settlementPrice: vine.number().withoutDecimals().min(0),
})

/** Staff put money into the deposit (amount > 0, 充值) or give it back (amount < 0), with their reference. */
export const depositMovementValidator = vine.create({
  amount: vine.number().withoutDecimals().range([-1_000_000_000, 1_000_000_000]),
  reference: vine.string().trim().minLength(1).maxLength(100),
  note: vine.string().trim().maxLength(200).nullable().optional(),
})

export const statementValidator = vine.create({
  from: day(),
  to: day(),
  format: vine.enum(['json', 'csv'] as const).optional(),
})

/** The distributor's own order number: letters, digits, - _ . (1 to 64). */
export const distributorOrderNo = () =>
  vine
    .string()
    .trim()
    .minLength(1)
    .maxLength(64)
    .regex(/^[A-Za-z0-9_.-]+$/)

export const distributorOrderValidator = vine.create({
  orderNo: distributorOrderNo(),
  items: holdFields().items,
  holders: holdFields().holders,
  contact: vine.object({
    name: vine.string().trim().minLength(1).maxLength(40).optional(),
    phone: mobilePhone(),
  }),
})

export const distributorSessionsValidator = vine.create({
  from: day(),
  to: day(),
})
