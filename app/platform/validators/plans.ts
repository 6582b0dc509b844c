import vine from '@vinejs/vine'

/** A limit: a whole number, or null for unlimited. */
const limit = () => vine.number().withoutDecimals().range([0, 100_000_000]).nullable()

const planFields = {
  name: vine.string().trim().minLength(1).maxLength(60),
  description: vine.string().trim().maxLength(300).nullable().optional(),
  maxSites: limit().optional(),
  maxStaff: limit().optional(),
  maxMonthlyOrders: limit().optional(),
  /** Basis points of the paid amount: 0–10000 (250 = 2.5%). */
  commissionBp: vine.number().withoutDecimals().range([0, 10_000]).optional(),
  active: vine.boolean().optional(),
}

export const createPlanValidator = vine.create(planFields)

export const updatePlanValidator = vine.create({
  ...planFields,
  name: planFields.name.optional(),
})

/** Puts a venue on a plan, or (null) on none. */
export const assignPlanValidator = vine.create({
  planId: vine.number().withoutDecimals().positive().nullable(),
})
