import vine from '@vinejs/vine'

export const suspensionValidator = vine.create({
  reason: vine.string().trim().minLength(2).maxLength(500),
})

export const tenantListValidator = vine.create({
  status: vine.enum(['pending', 'active', 'suspended']).optional(),
  /** A plan's id, or "none" for venues on no plan. */
  plan: vine.string().trim().regex(/^(none|\d{1,18})$/).optional(),
  search: vine.string().trim().maxLength(100).optional(),
  page: vine.number().min(1).optional(),
  perPage: vine.number().withoutDecimals().range([1, 100]).optional(),
})
