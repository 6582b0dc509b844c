import vine from '@vinejs/vine'

const DAY = { formats: ['YYYY-MM-DD'] }

/** The platform overview's window: the last `days` days, today included. */
export const platformStatsValidator = vine.create({
  days: vine.number().withoutDecimals().range([1, 366]).optional(),
  top: vine.number().withoutDecimals().range([1, 50]).optional(),
})

/** Filters of the platform audit log; `from` and `to` are whole days (Asia/Shanghai), both included. */
export const platformAuditQueryValidator = vine.create({
  /** An action, or a prefix ending in "." (e.g. "tenant." for every venue action). */
  action: vine.string().trim().maxLength(80).optional(),
  /** Part of the actor's label (an email), or its id. */
  actor: vine.string().trim().maxLength(254).optional(),
  tenantId: vine.number().withoutDecimals().positive().optional(),
  outcome: vine.enum(['success', 'denied', 'failure']).optional(),
  from: vine.date(DAY).optional(),
  to: vine.date(DAY).optional(),
  page: vine.number().withoutDecimals().min(1).optional(),
  perPage: vine.number().withoutDecimals().range([1, 100]).optional(),
})
