import vine from '@vinejs/vine'
import { DateTime } from 'luxon'

const DAY = { formats: ['YYYY-MM-DD'] }

/** A validated day as the local YYYY-MM-DD string the price calendar works with. */
const toIsoDay = (value: Date) => DateTime.fromJSDate(value).toISODate()!

/** A real calendar date (2025-02-30 is refused), written YYYY-MM-DD. */
export function isoDay() {
  return vine.date(DAY).transform(toIsoDay)
}

/** An optional day where null clears it (an open end of a date range). */
export function nullableIsoDay() {
  return vine.date(DAY).nullable().transform((value) => value && toIsoDay(value)).optional()
}

const dayParams = () => vine.object({ date: isoDay() })

/** PUT /calendar-days/:date: the day's whole state (a missing name clears it). */
export const calendarDayValidator = vine.create({
  params: dayParams(),
  kind: vine.enum(['holiday', 'workday'] as const),
  name: vine.string().trim().minLength(1).maxLength(60).optional(),
})

export const calendarDayParamsValidator = vine.create({ params: dayParams() })

/** A range of days, both included. */
export const dateRangeValidator = vine.create({
  from: isoDay(),
  to: vine.date(DAY).afterOrSameAs('from').transform(toIsoDay),
})
