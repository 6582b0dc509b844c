/*
 * 核销规则: whether a scan lets someone in (or out), decided from the ticket's state alone, so
 * the same rules serve the online check (under the ticket's row lock) and an offline upload.
 *
 * - Only a valid ticket admits; refunded, changed-away or unpaid ones say so.
 * - The right site, and the entry window: from `opensBefore` minutes before the session starts
 *   to `closesAfter` minutes after it ends (a performance closes at its start plus that grace).
 *   Outside it: "wrong day" when the local date differs, else "not yet open" / "closed".
 * - Entries: `entriesPerTicket` visits (null: unlimited within the window). A group ticket admits
 *   its party in one visit, all at once or one by one, up to its size.
 * - Re-entry: with `reentry`, a holder who scanned out may come back the same day without using
 *   another visit. An exit scan needs an entry first.
 */
import { DateTime } from 'luxon'

export type EntryResult =
  | 'admitted'
  | 'exited'
  | 'already_used'
  | 'wrong_day'
  | 'not_yet_open'
  | 'closed'
  | 'refunded'
  | 'changed'
  | 'not_valid'
  | 'wrong_venue'
  | 'party_exceeded'
  | 'not_inside'
  // 年卡 (app/members/services/pass_rules.ts)
  | 'pass_not_active'
  | 'pass_expired'
  | 'pass_suspended'
  | 'pass_revoked'
  | 'blackout_date'
  | 'already_entered_today'
  | 'no_entries_left'

export interface TicketForEntry {
  status: string
  siteId: number
  partySize: number
  admitted: number
  entriesUsed: number
  inside: boolean
  lastEntryAt: Date | null
  entriesPerTicket: number | null
  reentry: boolean
  sessionKind: 'performance' | 'slot' | 'open_date'
  startsAt: Date
  endsAt: Date
  opensBefore: number
  closesAfter: number
  timezone: string
}

export interface Scan {
  direction: 'entry' | 'exit'
  /** People of a group entering now (default: everyone of the party not yet in). */
  people?: number
  siteId: number
  at: Date
}

export interface EntryVerdict {
  result: EntryResult
  /** People let in (or out) by this scan. */
  people: number
  /** The ticket's state after the scan (unchanged unless admitted or exited). */
  next: Pick<TicketForEntry, 'admitted' | 'entriesUsed' | 'inside' | 'lastEntryAt'>
  window: { opensAt: Date; closesAt: Date }
  /** Visits left after this scan (null: unlimited). */
  entriesLeft: number | null
  reentry?: boolean
}

export function entryWindow(ticket: Pick<TicketForEntry, 'sessionKind' | 'startsAt' | 'endsAt' | 'opensBefore' | 'closesAfter'>) {
  const end = ticket.sessionKind === 'performance' ? ticket.startsAt : ticket.endsAt
  return {
    opensAt: new Date(ticket.startsAt.getTime() - ticket.opensBefore * 60_000),
    closesAt: new Date(end.getTime() + ticket.closesAfter * 60_000),
  }
}

const STATUS_RESULT: Record<string, EntryResult> = { refunded: 'refunded', refunding: 'refunded', changed: 'changed' }

export function decideEntry(ticket: TicketForEntry, scan: Scan): EntryVerdict {
  const window = entryWindow(ticket)
  const unchanged = { admitted: ticket.admitted, entriesUsed: ticket.entriesUsed, inside: ticket.inside, lastEntryAt: ticket.lastEntryAt }
  const entriesLeft = (used: number) => (ticket.entriesPerTicket === null ? null : Math.max(ticket.entriesPerTicket - used, 0))
  const refuse = (result: EntryResult): EntryVerdict => ({ result, people: 0, next: unchanged, window, entriesLeft: entriesLeft(ticket.entriesUsed) })

  if (ticket.status !== 'valid' && ticket.status !== 'used') return refuse(STATUS_RESULT[ticket.status] ?? 'not_valid')
  if (ticket.siteId !== scan.siteId) return refuse('wrong_venue')

  if (scan.direction === 'exit') {
    if (!ticket.inside) return refuse('not_inside')
    return { result: 'exited', people: scan.people ?? ticket.partySize, next: { ...unchanged, inside: false }, window, entriesLeft: entriesLeft(ticket.entriesUsed) }
  }

  if (scan.at < window.opensAt || scan.at > window.closesAt) {
    const day = (date: Date) => DateTime.fromJSDate(date).setZone(ticket.timezone).toISODate()
    if (day(scan.at) !== day(window.opensAt) && day(scan.at) !== day(window.closesAt)) return refuse('wrong_day')
    return refuse(scan.at < window.opensAt ? 'not_yet_open' : 'closed')
  }

  const sameDay = ticket.lastEntryAt !== null && DateTime.fromJSDate(ticket.lastEntryAt).setZone(ticket.timezone).hasSame(DateTime.fromJSDate(scan.at).setZone(ticket.timezone), 'day')
  if (ticket.reentry && ticket.entriesUsed > 0 && !ticket.inside && sameDay && ticket.admitted >= ticket.partySize) {
    return { result: 'admitted', people: ticket.partySize, next: { ...unchanged, inside: true, lastEntryAt: scan.at }, window, entriesLeft: entriesLeft(ticket.entriesUsed), reentry: true }
  }

  // A group still coming in one by one continues its visit.
  const visitOpen = ticket.entriesUsed > 0 && ticket.admitted < ticket.partySize
  if (!visitOpen && ticket.entriesPerTicket !== null && ticket.entriesUsed >= ticket.entriesPerTicket) return refuse('already_used')
  const waiting = visitOpen ? ticket.partySize - ticket.admitted : ticket.partySize
  const people = scan.people ?? waiting
  if (people < 1 || people > waiting) return refuse('party_exceeded')

  const entriesUsed = visitOpen ? ticket.entriesUsed : ticket.entriesUsed + 1
  const admitted = (visitOpen ? ticket.admitted : 0) + people
  return {
    result: 'admitted',
    people,
    next: { admitted, entriesUsed, inside: true, lastEntryAt: scan.at },
    window,
    entriesLeft: entriesLeft(entriesUsed),
  }
}
