/*
 * The days a report covers, at the venue's clock (Asia/Shanghai): from 00:00 of `from` to 00:00
 * after `to`, as instants for the queries, and the list of days for zero-filled series.
 */
import { DateTime } from 'luxon'
import { invalid } from '#core/app_error'

export const VENUE_ZONE = 'Asia/Shanghai'
/** A year and a day: a leap year's full range fits. */
export const MAX_RANGE_DAYS = 366

export interface ReportRange {
  from: string
  to: string
  /** Inclusive start and exclusive end instants. */
  start: Date
  end: Date
  days: string[]
}

export function reportRange(from: string, to: string, maxDays = MAX_RANGE_DAYS): ReportRange {
  const first = DateTime.fromISO(from, { zone: VENUE_ZONE })
  const last = DateTime.fromISO(to, { zone: VENUE_ZONE })
  if (!first.isValid) throw invalid('from', 'Not a calendar day (YYYY-MM-DD)')
  if (!last.isValid) throw invalid('to', 'Not a calendar day (YYYY-MM-DD)')
  if (last < first) throw invalid('to', 'The range ends before it starts')
  const count = Math.round(last.diff(first, 'days').days) + 1
  if (count > maxDays) throw invalid('to', `A report covers at most ${maxDays} days`, 'E_RANGE_TOO_LONG')
  return {
    from,
    to,
    start: first.startOf('day').toJSDate(),
    end: last.plus({ days: 1 }).startOf('day').toJSDate(),
    days: Array.from({ length: count }, (_, index) => first.plus({ days: index }).toISODate()!),
  }
}

/** yyyy-MM-dd of an instant at the venue. */
export const venueDay = (at: Date) => DateTime.fromJSDate(at).setZone(VENUE_ZONE).toISODate()!
