/*
 * Check-in (核销): a scan — a ticket code, an ID number, or a face match reported by a gate — is
 * answered at once and plainly, and recorded whatever the answer.
 *
 * A scan carries the client's nonce. Its record is written first (unique nonce): a retried scan
 * finds the first one's answer instead of consuming again. The ticket row is then locked, the
 * rules decide (entry_rules.ts), and the counters change in the same transaction: two gates
 * scanning one code at the same instant admit once.
 */
import { DateTime } from 'luxon'
import { idNumberHash } from '#inventory/services/real_name'
import { decodeTicketCode, verifyTicketCode } from '#tickets/services/ticket_codes'
import { TicketKeys } from '#tickets/services/ticket_keys'
import { decideEntry, type EntryResult, type EntryVerdict, type TicketForEntry } from '#checkin/services/entry_rules'
import { maskName } from '#orders/services/holder_identity'
import { webhookEvents } from '#members/services/webhook_events'
import { passAtGate, passTicketOfHolder } from '#members/services/pass_gate'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export type ScanMethod = 'qr' | 'id_card' | 'face' | 'manual'
export type ScanResult = EntryResult | 'unknown' | 'revoked'

export interface ScanInput {
  /** What was scanned: a ticket code (QR), an ID number (real-name tickets), or a ticket id (a face gate's match, staff's manual pick). */
  code?: string
  idNumber?: string
  ticketId?: number
  method: ScanMethod
  direction: 'entry' | 'exit'
  people?: number
  nonce: string
  siteId: number
  deviceId?: number
  staffId?: number
  /** When it happened (an offline gate's entry uploaded later); now by default. */
  occurredAt?: Date
  offline?: boolean
}

export interface ScanAnswer {
  ok: boolean
  result: ScanResult
  message: string
  people: number
  ticket?: {
    id: number
    product: string
    sessionStartsAt: Date
    holder: string | null
    partySize: number
    entriesLeft: number | null
  }
  previousEntry?: { at: Date; device: string | null }
  window?: { opensAt: Date; closesAt: Date }
  /** An offline entry the ticket could not take any more: recorded and reported, not lost. */
  conflict?: boolean
  /** This nonce was answered before: the same answer again, nothing consumed. */
  replayed?: boolean
}

const TICKET_SQL = `
select t.id, t.order_id, t.status, t.party_size, t.admitted, t.entries_used, t.inside, t.last_entry_at, t.secret_serial,
       t.holder_name, t.holder_id_masked, p.name as product_name, p.kind as product_kind, p.entries_per_ticket, p.reentry,
       p.entry_opens_minutes_before, p.entry_closes_minutes_after,
       s.id as session_id, s.kind as session_kind, s.starts_at, s.ends_at, s.site_id, site.timezone
from order_tickets t
join products p on p.id = t.product_id
join sessions s on s.id = t.session_id
join sites site on site.id = s.site_id
where t.id = ?
for update of t`

/** A retried scan: its nonce was recorded by an earlier attempt, whose answer stands. */
class ScanAlreadyAnswered extends Error {}

const clock = (date: Date, timezone: string) => DateTime.fromJSDate(date).setZone(timezone).toFormat('MM-dd HH:mm')

function explain(result: ScanResult, verdict?: EntryVerdict, row?: any, previous?: ScanAnswer['previousEntry']): string {
  const zone = row?.timezone ?? 'Asia/Shanghai'
  switch (result) {
    case 'admitted':
      return verdict?.reentry ? `Valid: re-entry, admit ${verdict.people}` : `Valid: admit ${verdict!.people}`
    case 'exited':
      return 'Exit recorded'
    case 'already_used':
      return previous ? `Already used at ${clock(previous.at, zone)}${previous.device ? ` (${previous.device})` : ''}` : 'Already used'
    case 'wrong_day':
      return `Wrong day: this ticket is for ${DateTime.fromJSDate(row.starts_at).setZone(zone).toISODate()}`
    case 'not_yet_open':
      return `Not yet open: entry from ${clock(verdict!.window.opensAt, zone)}`
    case 'closed':
      return `Entry closed at ${clock(verdict!.window.closesAt, zone)}`
    case 'refunded':
      return 'Refunded: not valid'
    case 'changed':
      return 'Changed to another session: use the new ticket'
    case 'revoked':
      return 'This code was replaced: use the latest ticket'
    case 'not_valid':
      return 'Not valid (not paid, or cancelled)'
    case 'wrong_venue':
      return 'This ticket is for another site'
    case 'party_exceeded':
      return `The group has ${row.party_size - (verdict?.next.admitted ?? row.admitted)} left to admit`
    case 'not_inside':
      return 'No entry recorded for this ticket: nothing to exit'
    case 'unknown':
      return 'Unknown code'
    case 'pass_not_active':
      return 'Pass not activated yet: activate it in "My passes" first'
    case 'pass_expired':
      return `Pass expired on ${DateTime.fromJSDate(verdict!.window.closesAt).setZone(zone).minus({ days: 1 }).toISODate()}: renew it to come in`
    case 'pass_suspended':
      return 'Pass suspended: please see the visitor centre'
    case 'pass_revoked':
      return 'Pass revoked: not valid'
    case 'blackout_date':
      return 'Passes are not valid today (blackout date)'
    case 'already_entered_today':
      return 'This pass has already entered this site today'
    case 'no_entries_left':
      return 'No entries left on this pass'
  }
}

export default class CheckinService {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new CheckinService(tenant)
  }

  /** Answers (and records) one scan. */
  async scan(input: ScanInput): Promise<ScanAnswer> {
    const at = input.occurredAt ?? new Date()
    try {
      return await runInTenant(this.tenant, async (trx) => {
        const resolved = await this.#resolve(trx, input, at)
        const decided = 'ticketId' in resolved ? await this.#decide(trx, resolved.ticketId, resolved.serial, input, at) : { answer: this.#unknown(resolved.result) }
        const answer = decided.answer
        if (input.offline && !answer.ok && answer.result === 'already_used') answer.conflict = true
        // The record claims the nonce last: a scan already answered rolls all of this back.
        const [record] = await trx
          .table('checkins')
          .insert({
            nonce: input.nonce,
            method: input.method,
            direction: input.direction,
            site_id: input.siteId,
            device_id: input.deviceId ?? null,
            staff_id: input.staffId ?? null,
            offline: input.offline ?? false,
            occurred_at: at,
            ticket_id: answer.ticket?.id ?? null,
            order_id: decided.orderId ?? null,
            session_id: decided.sessionId ?? null,
            people: answer.people,
            result: answer.result,
            conflict: answer.conflict ?? false,
            answer: JSON.stringify(answer),
          })
          .onConflict('nonce')
          .ignore()
          .returning('id')
        if (!record) throw new ScanAlreadyAnswered()
        if (answer.result === 'admitted') await webhookEvents.ticketCheckedIn(trx, this.tenant, record.id)
        return answer
      })
    } catch (error) {
      if (!(error instanceof ScanAlreadyAnswered)) throw error
      const earlier = await runInTenant(this.tenant, (trx) => trx.from('checkins').where('nonce', input.nonce).first())
      return { ...earlier.answer, replayed: true }
    }
  }

  #unknown(result: 'unknown' | 'revoked'): ScanAnswer {
    return { ok: false, result, message: explain(result), people: 0 }
  }

  /** Which ticket a scan is about (signature checked, or found by ID number). */
  async #resolve(trx: TenantTransaction, input: ScanInput, at: Date): Promise<{ ticketId: number; serial?: number } | { result: 'unknown' | 'revoked' }> {
    if (input.ticketId) return { ticketId: input.ticketId }
    if (input.code) {
      const decoded = decodeTicketCode(input.code.trim())
      if (!decoded || decoded.tenantId !== this.tenant.id) return { result: 'unknown' }
      const key = await TicketKeys.verifier(this.tenant, decoded.kid)
      if (!key || !verifyTicketCode(decoded, key)) return { result: 'unknown' }
      return { ticketId: decoded.ticketId, serial: decoded.serial }
    }
    if (input.idNumber) {
      // A ticket for today first, else the holder's annual pass (年卡) for this site.
      const ticketId = (await this.#ticketOfIdToday(trx, input.idNumber, input.siteId, at)) ?? (await passTicketOfHolder(trx, idNumberHash(this.tenant.id, input.idNumber), input.siteId))
      return ticketId ? { ticketId } : { result: 'unknown' }
    }
    return { result: 'unknown' }
  }

  /** 刷身份证: the holder's ticket at this site whose day is today (the one open now first). */
  async #ticketOfIdToday(trx: TenantTransaction, idNumber: string, siteId: number, at: Date): Promise<number | null> {
    const rows = await trx.rawQuery(
      `select t.id from order_tickets t
       join sessions s on s.id = t.session_id
       join sites site on site.id = s.site_id
       where t.holder_id_hash = ? and s.site_id = ? and t.status in ('valid', 'used')
         and (s.starts_at at time zone site.timezone)::date = (?::timestamptz at time zone site.timezone)::date
       order by abs(extract(epoch from (s.starts_at - ?::timestamptz))), t.id
       limit 1`,
      [idNumberHash(this.tenant.id, idNumber), siteId, at, at]
    )
    return rows.rows[0] ? Number(rows.rows[0].id) : null
  }

  async #decide(
    trx: TenantTransaction,
    ticketId: number,
    serial: number | undefined,
    input: ScanInput,
    at: Date
  ): Promise<{ answer: ScanAnswer; orderId?: number; sessionId?: number }> {
    const { rows } = await trx.rawQuery(TICKET_SQL, [ticketId])
    const row = rows[0]
    if (!row) return { answer: this.#unknown('unknown') }
    if (serial !== undefined && serial !== row.secret_serial) return { answer: this.#unknown('revoked'), orderId: Number(row.order_id), sessionId: Number(row.session_id) }

    const ticket: TicketForEntry = {
      status: row.status,
      siteId: Number(row.site_id),
      partySize: row.party_size,
      admitted: row.admitted,
      entriesUsed: row.entries_used,
      inside: row.inside,
      lastEntryAt: row.last_entry_at,
      entriesPerTicket: row.entries_per_ticket,
      reentry: row.reentry,
      sessionKind: row.session_kind,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      opensBefore: row.entry_opens_minutes_before,
      closesAfter: row.entry_closes_minutes_after,
      timezone: row.timezone,
    }
    const scan = { direction: input.direction, people: input.people, siteId: input.siteId, at }
    // 年卡: a pass's ticket admits by the pass's rules (its validity, not its session's window).
    const pass = row.product_kind === 'annual_pass' ? await passAtGate(trx, ticketId, ticket, scan) : null
    const verdict = pass ? pass.verdict : decideEntry(ticket, scan)
    const changed = verdict.result === 'admitted' || verdict.result === 'exited'
    if (changed) {
      await trx
        .from('order_tickets')
        .where('id', ticketId)
        .update({
          admitted: verdict.next.admitted,
          entries_used: verdict.next.entriesUsed,
          inside: verdict.next.inside,
          last_entry_at: verdict.next.lastEntryAt,
          status: 'used',
          updated_at: new Date(),
        })
      await pass?.record(this.tenant)
      if (row.status === 'valid') await this.#markOrderUsed(trx, Number(row.order_id), Number(row.id), input)
    }
    const previousEntry = verdict.result === 'already_used' ? await this.#lastEntry(trx, ticketId) : undefined
    const answer: ScanAnswer = {
      ok: changed,
      result: verdict.result,
      message: explain(verdict.result, verdict, row, previousEntry),
      people: verdict.people,
      ticket: {
        id: Number(row.id),
        product: row.product_name,
        sessionStartsAt: row.starts_at,
        holder: row.holder_name ? `${maskName(row.holder_name)} ${row.holder_id_masked ?? ''}`.trim() : null,
        partySize: row.party_size,
        entriesLeft: verdict.entriesLeft,
      },
      previousEntry,
      window: verdict.window,
    }
    return { answer, orderId: Number(row.order_id), sessionId: Number(row.session_id) }
  }

  /**
   * The order becomes partially used, or used once no valid ticket is left. Only a change of
   * status writes (and locks) the order row, so scans of a large group order do not queue on it.
   */
  async #markOrderUsed(trx: TenantTransaction, orderId: number, ticketId: number, input: ScanInput) {
    const { rows } = await trx.rawQuery(
      `with next as (
         select case when exists (select 1 from order_tickets where order_id = ? and status = 'valid' and id <> ?) then 'partially_used' else 'used' end as status
       ),
       changed as (
         update orders o set status = next.status, updated_at = now() from next, orders before
         where o.id = ? and before.id = o.id and o.status in ('issued', 'partially_used') and o.status <> next.status
         returning o.id, before.status as from_status, o.status as to_status
       )
       insert into order_events (order_id, type, from_status, to_status, actor_type, actor_id, data)
       select id, 'checked_in', from_status, to_status, ?, ?, ?::jsonb from changed
       returning id`,
      [orderId, ticketId, orderId, input.staffId ? 'staff' : 'system', input.staffId ? String(input.staffId) : 'checkin', JSON.stringify({ ticketId })]
    )
    return rows.length > 0
  }

  async #lastEntry(trx: TenantTransaction, ticketId: number) {
    const last = await trx
      .from('checkins as c')
      .leftJoin('devices as d', 'd.id', 'c.device_id')
      .where('c.ticket_id', ticketId)
      .where('c.result', 'admitted')
      .orderBy('c.occurred_at', 'desc')
      .select('c.occurred_at', 'd.name')
      .first()
    return last ? { at: last.occurred_at as Date, device: (last.name as string | null) ?? null } : undefined
  }
}

