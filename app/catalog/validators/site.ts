/*
 * Sites, and the field types every catalog and inventory validator shares: ids, whole numbers,
 * instants and the calendar days a site's timezone gives meaning to.
 */
import vine from '@vinejs/vine'
import { DateTime, IANAZone } from 'luxon'
import type { Infer } from '@vinejs/vine/types'

/** The largest value of an `integer` column: prices, capacities and counts must fit it. */
const INTEGER_MAX = 2_147_483_647

/** IANA names start with a letter ("Asia/Shanghai", "UTC"); fixed offsets like "+08:00" are not zones. */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/

const ianaZone = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') return
  if (!IANA_NAME.test(value) || !IANAZone.isValidZone(value)) {
    field.report('Use an IANA time zone such as Asia/Shanghai', 'timezone', field)
  }
})

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

const isoInstant = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') return
  if (!ISO_INSTANT.test(value) || !DateTime.fromISO(value).isValid) {
    field.report('Use an ISO 8601 time with its offset, such as 2025-05-01T09:00:00+08:00', 'instant', field)
  }
})

const calendarDate = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') return
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid) {
    field.report('Use a date such as 2025-05-01', 'calendarDate', field)
  }
})

/** A whole number from `min`, at most what an integer column holds. */
export function wholeNumber(min: number, max = INTEGER_MAX) {
  return vine.number().withoutDecimals().range([min, max])
}

/** The id of a row of a tenant table. */
export function recordId() {
  return wholeNumber(1, Number.MAX_SAFE_INTEGER)
}

/** A moment in time; the offset is required, so the value never depends on the server's zone. */
export function instant() {
  return vine
    .string()
    .trim()
    .use(isoInstant())
    .transform((value) => DateTime.fromISO(value, { setZone: true }))
}

/** A calendar day (YYYY-MM-DD), kept as text: which instants it covers depends on the site's zone. */
export function localDate() {
  return vine.string().trim().use(calendarDate())
}

/** Stored in its canonical spelling ("utc" becomes "UTC"), as PostgreSQL and luxon both know it. */
function timezone() {
  return vine
    .string()
    .trim()
    .maxLength(40)
    .use(ianaZone())
    .transform((value) => new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone)
}

const siteName = () => vine.string().trim().minLength(1).maxLength(100)

function siteDetails() {
  return {
    address: vine.string().trim().maxLength(300).nullable(),
    timezone: timezone(),
  }
}

export const createSiteValidator = vine.create({ name: siteName(), ...vine.helpers.optional(siteDetails()) })

export const updateSiteValidator = vine.create(vine.helpers.optional({ name: siteName(), ...siteDetails() }))

export type NewSite = Infer<typeof createSiteValidator>
export type SiteChanges = Infer<typeof updateSiteValidator>
