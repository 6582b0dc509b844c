/*
 * 年卡规则: what a pass allows, decided from its state alone (pure functions), so the same rules
 * serve the gate's online check (under the ticket's row lock), an offline upload and the pages.
 *
 * - Validity: `validity.length` days or months counted from activation, the activation day being
 *   the first day; valid through the last day (venue time), so it ends at the start of the next.
 * - Activation: a pass is issued pending. It starts when the holder activates it, at its first
 *   entry when `activation` is 'first_entry', and by itself at the end of its activation window
 *   (`activationWindowDays` after purchase) if neither happened first. With 'manual', a pending
 *   pass is refused at the gate ('pass_not_active') until it is activated or its window ends.
 * - Entries: `entries` per validity period (null: unlimited); a renewal adds another period's.
 * - One entry per site per day (`oncePerSitePerDay`): a second entry at the same site the same
 *   day is refused, unless the product allows re-entry and the holder scanned out.
 * - Blackout dates (节假日不可用): no entry on those days (venue time).
 * - Sites: the pass admits at `siteIds` (empty: every site of the venue).
 * Exits are always let through (by the ticket's own rules).
 */
import { DateTime } from 'luxon'
import { decideEntry, type EntryResult, type EntryVerdict, type Scan } from '#checkin/services/entry_rules'

export interface PassRules {
  validity: { unit: 'days' | 'months'; length: number }
  activation: 'first_entry' | 'manual'
  activationWindowDays: number
  entries: number | null
  oncePerSitePerDay: boolean
  /** Inclusive local date ranges; a single day has from = to. */
  blackoutDates: { from: string; to: string }[]
  siteIds: number[]
  /** 续卡: its price (fen), from `opensDaysBefore` the expiry until `closesDaysAfter` it; null: not renewable. */
  renewal: { price: number; opensDaysBefore: number; closesDaysAfter: number } | null
}

export type StoredPassStatus = 'pending_activation' | 'active' | 'suspended' | 'revoked'
export type PassStatus = StoredPassStatus | 'expired'

export interface PassRecord {
  status: StoredPassStatus
  activateBy: Date
  activatedAt: Date | null
  validUntil: Date | null
}

export interface PassForEntry extends PassRecord {
  entriesAllowed: number | null
  siteDays: Record<string, string>
  rules: PassRules
  timezone: string
}

export interface TicketOfPass {
  status: string
  partySize: number
  admitted: number
  entriesUsed: number
  inside: boolean
  lastEntryAt: Date | null
  reentry: boolean
}

export interface PassVerdict extends EntryVerdict {
  /** The pass after the scan (unchanged unless admitted). */
  pass: { status: StoredPassStatus; activatedAt: Date | null; validUntil: Date | null; siteDays: Record<string, string> }
  /** This scan started the pass (first entry, or its window ran out). */
  activated: boolean
}

const localDay = (at: Date, zone: string) => DateTime.fromJSDate(at).setZone(zone).toISODate()!

/** The exclusive end of a validity starting at `from`: the start of the day after its last day. */
export function validityEnd(from: Date, validity: PassRules['validity'], zone: string): Date {
  const first = DateTime.fromJSDate(from).setZone(zone).startOf('day')
  return (validity.unit === 'days' ? first.plus({ days: validity.length }) : first.plus({ months: validity.length })).toJSDate()
}

/** The pass as it stands at `at`: a pending pass whose window ran out is active from its end. */
export function passState(pass: PassRecord, rules: Pick<PassRules, 'validity'>, zone: string, at: Date): { status: PassStatus; activatedAt: Date | null; validUntil: Date | null; lapsed: boolean } {
  if (pass.status === 'pending_activation' && at >= pass.activateBy) {
    const validUntil = validityEnd(pass.activateBy, rules.validity, zone)
    return { status: at >= validUntil ? 'expired' : 'active', activatedAt: pass.activateBy, validUntil, lapsed: true }
  }
  if (pass.status === 'active' && pass.validUntil && at >= pass.validUntil) return { status: 'expired', activatedAt: pass.activatedAt, validUntil: pass.validUntil, lapsed: false }
  return { status: pass.status, activatedAt: pass.activatedAt, validUntil: pass.validUntil, lapsed: false }
}

export function isBlackout(rules: Pick<PassRules, 'blackoutDates'>, day: string) {
  return rules.blackoutDates.some((range) => range.from <= day && day <= range.to)
}

export function admitsAtSite(rules: Pick<PassRules, 'siteIds'>, siteId: number) {
  return rules.siteIds.length === 0 || rules.siteIds.includes(siteId)
}

/** Whether (and when) a renewal can be bought now: null when it can, else why not. */
export function renewalRefusal(pass: PassRecord, rules: PassRules, zone: string, at: Date): string | null {
  if (!rules.renewal) return 'This pass cannot be renewed'
  if (pass.status === 'suspended' || pass.status === 'revoked') return `This pass is ${pass.status}: it cannot be renewed`
  const state = passState(pass, rules, zone, at)
  if (state.status === 'pending_activation') return 'This pass is not activated yet: there is nothing to renew'
  const until = state.validUntil!
  const opens = DateTime.fromJSDate(until).minus({ days: rules.renewal.opensDaysBefore }).toJSDate()
  const closes = DateTime.fromJSDate(until).plus({ days: rules.renewal.closesDaysAfter }).toJSDate()
  if (at < opens) return `Renewal opens ${rules.renewal.opensDaysBefore} days before the pass expires`
  if (at > closes) return `Renewal closed ${rules.renewal.closesDaysAfter} days after the pass expired`
  return null
}

/** A renewal paid at `at`: one more period from the later of now and the current expiry. */
export function renewedUntil(validUntil: Date, rules: Pick<PassRules, 'validity'>, zone: string, at: Date): Date {
  return validityEnd(validUntil > at ? validUntil : at, rules.validity, zone)
}

/** Whether a scan of a pass's ticket lets its holder in (or out), and the pass after it. */
export function decidePassEntry(pass: PassForEntry, ticket: TicketOfPass, scan: Scan): PassVerdict {
  const zone = pass.timezone
  const today = localDay(scan.at, zone)
  const state = passState(pass, pass.rules, zone, scan.at)
  const startsNow = state.status === 'pending_activation' && pass.rules.activation === 'first_entry' && scan.direction === 'entry'
  const activatedAt = startsNow ? scan.at : state.activatedAt
  const validUntil = startsNow ? validityEnd(scan.at, pass.rules.validity, zone) : state.validUntil
  const enteredHereToday = pass.siteDays[String(scan.siteId)] === today
  const window = { opensAt: activatedAt ?? pass.activateBy, closesAt: validUntil ?? pass.activateBy }
  const unchanged = { status: pass.status, activatedAt: pass.activatedAt, validUntil: pass.validUntil, siteDays: pass.siteDays }
  const entriesLeft = pass.entriesAllowed === null ? null : Math.max(pass.entriesAllowed - ticket.entriesUsed, 0)
  const refuse = (result: EntryResult): PassVerdict => ({
    result,
    people: 0,
    next: { admitted: ticket.admitted, entriesUsed: ticket.entriesUsed, inside: ticket.inside, lastEntryAt: ticket.lastEntryAt },
    window,
    entriesLeft,
    pass: unchanged,
    activated: false,
  })

  const entering = scan.direction === 'entry'
  if (entering && (ticket.status === 'valid' || ticket.status === 'used')) {
    if (pass.status === 'revoked') return refuse('pass_revoked')
    if (pass.status === 'suspended') return refuse('pass_suspended')
    if (!admitsAtSite(pass.rules, scan.siteId)) return refuse('wrong_venue')
    if (state.status === 'expired') return refuse('pass_expired')
    // Validity counts whole days from the activation day: a scan stamped a moment before a racing
    // scan activated the pass (same day) is inside it; only an earlier day is not.
    if (!activatedAt || localDay(scan.at, zone) < localDay(activatedAt, zone)) return refuse('pass_not_active')
    if (isBlackout(pass.rules, today)) return refuse('blackout_date')
  }
  // Re-entry (after an exit) is only back into a site entered today when entries are per site and day.
  const reentry = ticket.reentry && (!pass.rules.oncePerSitePerDay || enteredHereToday)
  const reentering = reentry && ticket.entriesUsed > 0 && !ticket.inside && ticket.lastEntryAt !== null && localDay(ticket.lastEntryAt, zone) === today
  if (entering && pass.rules.oncePerSitePerDay && enteredHereToday && !reentering) return refuse('already_entered_today')

  const verdict = decideEntry(
    {
      ...ticket,
      reentry,
      siteId: scan.siteId,
      entriesPerTicket: pass.entriesAllowed,
      sessionKind: 'open_date',
      startsAt: window.opensAt,
      endsAt: window.closesAt,
      opensBefore: 0,
      closesAfter: 0,
      timezone: zone,
    },
    scan
  )
  if (verdict.result === 'already_used') return refuse('no_entries_left')
  if (verdict.result !== 'admitted') return { ...verdict, window, pass: unchanged, activated: false }
  return {
    ...verdict,
    window,
    pass: { status: 'active', activatedAt, validUntil, siteDays: { ...pass.siteDays, [String(scan.siteId)]: today } },
    activated: pass.status === 'pending_activation',
  }
}
