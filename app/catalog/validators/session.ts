import vine from '@vinejs/vine'
import { DateTime } from 'luxon'
import type { Infer } from '@vinejs/vine/types'
import { instant, localDate, recordId } from '#catalog/validators/site'
import { quotaFields } from '#inventory/validators/quota'

/** Days a listed or generated range may cover, both ends included (a leap year). */
export const MAX_RANGE_DAYS = 366

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/

/** `to` is on or after the sibling `from`, at most MAX_RANGE_DAYS days counted inclusively. */
const endsRange = vine.createRule((value, _options, field) => {
  const from = DateTime.fromISO(String(field.parent.from))
  const to = DateTime.fromISO(String(value))
  if (!from.isValid || !to.isValid) return
  const days = to.diff(from, 'days').days + 1
  if (days < 1) field.report('The range must end on or after the day it starts', 'endsRange', field)
  else if (days > MAX_RANGE_DAYS) field.report(`A range covers at most ${MAX_RANGE_DAYS} days`, 'endsRange', field)
})

/** A slot's `end` comes after the sibling `start` on the same day (zero-padded HH:mm compares as text). */
const endsAfterStart = vine.createRule((value, _options, field) => {
  const start = field.parent.start
  if (typeof start === 'string' && CLOCK_TIME.test(start) && typeof value === 'string' && value <= start) {
    field.report('A slot must end after it starts, on the same day', 'endsAfterStart', field)
  }
})

const clockTime = () => vine.string().trim().regex(CLOCK_TIME)

function dateRange() {
  return { from: localDate(), to: localDate().use(endsRange()) }
}

const sessionName = () => vine.string().trim().minLength(1).maxLength(100)

/** A site's sessions over a range; with productId, only those that sell it (a quota lists it). */
export const sessionQueryValidator = vine.create({ siteId: recordId(), ...dateRange(), productId: recordId().optional() })

/** One session; for an open-date session, startsAt and endsAt bound when its tickets are valid. */
export const createSessionValidator = vine.create({
  siteId: recordId(),
  zoneId: recordId().nullable().optional(),
  kind: vine.enum(['performance', 'slot', 'open_date'] as const),
  name: sessionName().nullable().optional(),
  startsAt: instant(),
  endsAt: instant(),
})

/** A weekly template: each listed weekday's sessions, on every day of the range, in the site's zone. */
export const generateSessionsValidator = vine.create({
  siteId: recordId(),
  zoneId: recordId().nullable().optional(),
  kind: vine.enum(['slot', 'performance'] as const),
  ...dateRange(),
  weekly: vine
    .array(
      vine.object({
        weekday: vine.number().withoutDecimals().range([1, 7]),
        start: clockTime(),
        end: clockTime().use(endsAfterStart()),
        name: sessionName().optional(),
      })
    )
    .minLength(1)
    // Half-hour slots all day, every day of the week.
    .maxLength(7 * 48)
    .distinct(['weekday', 'start']),
  quotas: vine.array(vine.object(quotaFields())).maxLength(20).optional(),
})

export const closeDayValidator = vine.create({ siteId: recordId(), date: localDate() })

export const updateSessionValidator = vine.create({
  name: sessionName().nullable().optional(),
  startsAt: instant().optional(),
  endsAt: instant().optional(),
  status: vine.enum(['open', 'closed', 'cancelled'] as const).optional(),
})

export type SessionRange = Infer<typeof sessionQueryValidator>
export type NewSession = Infer<typeof createSessionValidator>
export type SessionTemplate = Infer<typeof generateSessionsValidator>
export type SessionChanges = Infer<typeof updateSessionValidator>
