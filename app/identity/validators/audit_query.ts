import vine from '@vinejs/vine'

const DAY = { formats: ['YYYY-MM-DD'] }

/** Filters of the audit log; `from` and `to` are whole days, both included. */
export const auditQueryValidator = vine.create({
  action: vine.string().trim().maxLength(80).optional(),
  actorId: vine.string().trim().maxLength(40).optional(),
  subjectType: vine.string().trim().maxLength(40).optional(),
  from: vine.date(DAY).optional(),
  to: vine.date(DAY).optional(),
  page: vine.number().withoutDecimals().min(1).optional(),
  perPage: vine.number().withoutDecimals().range([1, 100]).optional(),
})
