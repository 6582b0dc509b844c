/*
 * Passes (年卡) at the gate: the check-in service asks here when the scanned ticket is a pass's.
 * The ticket's row is already locked by then (checkin_service.ts), so the pass is read after the
 * lock, fresh: two gates scanning one pass at the same instant decide one after the other, and
 * the second sees the first's entry (one entry per site per day holds under a race).
 */
import { DateTime } from 'luxon'
import { decidePassEntry, passState, isBlackout, type PassForEntry, type PassRules, type PassVerdict, type TicketOfPass } from '#members/services/pass_rules'
import type { Scan } from '#checkin/services/entry_rules'
import { webhookEvents } from '#members/services/webhook_events'
import type { TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

interface PassRow {
  id: number
  status: PassForEntry['status']
  activate_by: Date
  activated_at: Date | null
  valid_until: Date | null
  entries_allowed: number | null
  site_days: Record<string, string>
  pass_rules: PassRules
  timezone: string
}

const PASS_SQL = `
select ps.id, ps.status, ps.activate_by, ps.activated_at, ps.valid_until, ps.entries_allowed, ps.site_days, p.pass_rules, site.timezone
from passes ps join products p on p.id = ps.product_id join sites site on site.id = p.site_id
where ps.ticket_id = ?`

export function passForEntry(row: PassRow): PassForEntry {
  return {
    status: row.status,
    activateBy: row.activate_by,
    activatedAt: row.activated_at,
    validUntil: row.valid_until,
    entriesAllowed: row.entries_allowed,
    siteDays: row.site_days,
    rules: row.pass_rules,
    timezone: row.timezone,
  }
}

/**
 * The verdict for a scan of a pass's ticket (the caller holds the ticket's lock), and how to
 * record it once the ticket is updated; null when the ticket has no pass (not issued yet).
 */
export async function passAtGate(trx: TenantTransaction, ticketId: number, ticket: TicketOfPass, scan: Scan) {
  const { rows } = await trx.rawQuery(PASS_SQL, [ticketId])
  const row: PassRow | undefined = rows[0]
  if (!row) return null
  const verdict = decidePassEntry(passForEntry(row), ticket, scan)
  return {
    verdict,
    /** After the ticket took the entry: the pass's validity and site days, and its activation told. */
    async record(tenant: Tenant) {
      if (verdict.result !== 'admitted') return
      await recordPassEntry(trx, tenant, Number(row.id), verdict)
    },
  }
}

async function recordPassEntry(trx: TenantTransaction, tenant: Tenant, passId: number, verdict: PassVerdict) {
  await trx
    .from('passes')
    .where('id', passId)
    .update({
      status: verdict.pass.status,
      activated_at: verdict.pass.activatedAt,
      valid_until: verdict.pass.validUntil,
      site_days: JSON.stringify(verdict.pass.siteDays),
      updated_at: new Date(),
    })
  if (verdict.activated) {
    await trx.table('pass_events').insert({ pass_id: passId, type: 'activated', actor: 'gate', data: JSON.stringify({ activatedAt: verdict.pass.activatedAt, validUntil: verdict.pass.validUntil }) })
    await webhookEvents.passActivated(trx, tenant, passId)
  }
}

/**
 * 刷身份证 for a pass: the holder's pass that admits at this site (an active or pending one, the
 * latest-ending first). Its own verdict then says whether it admits today.
 */
export async function passTicketOfHolder(trx: TenantTransaction, idHash: string, siteId: number): Promise<number | null> {
  const { rows } = await trx.rawQuery(
    `select t.id from passes ps
     join order_tickets t on t.id = ps.ticket_id
     join products p on p.id = ps.product_id
     where t.holder_id_hash = ? and t.status in ('valid', 'used') and ps.status in ('pending_activation', 'active')
       and (jsonb_array_length(p.pass_rules->'siteIds') = 0 or p.pass_rules->'siteIds' @> to_jsonb(?::bigint))
     order by ps.valid_until desc nulls first, ps.id desc
     limit 1`,
    [idHash, siteId]
  )
  return rows[0] ? Number(rows[0].id) : null
}

/**
 * The passes a gate of this site needs to decide offline on `day` (local date): every pass that
 * admits at the site and is not revoked, or (incremental) those changed since. Each says whether it
 * admits that day and what is left; the gate still counts its own entries until the next list.
 */
export async function passesForGate(trx: TenantTransaction, siteId: number, day: string, updatedSince?: Date) {
  const rows = await trx
    .from('passes as ps')
    .join('order_tickets as t', 't.id', 'ps.ticket_id')
    .join('products as p', 'p.id', 'ps.product_id')
    .join('sites as site', 'site.id', 'p.site_id')
    .whereRaw(`(jsonb_array_length(p.pass_rules->'siteIds') = 0 or p.pass_rules->'siteIds' @> to_jsonb(?::bigint))`, [siteId])
    .if(
      updatedSince,
      (query) => query.where((changed) => changed.where('ps.updated_at', '>', updatedSince!).orWhere('t.updated_at', '>', updatedSince!)),
      (query) => query.whereIn('t.status', ['valid', 'used']).whereNot('ps.status', 'revoked').whereRaw('(ps.valid_until is null or ps.valid_until >= ?::date)', [day])
    )
    .orderBy('ps.id')
    .select('ps.id', 'ps.ticket_id', 'ps.status', 'ps.activate_by', 'ps.activated_at', 'ps.valid_until', 'ps.entries_allowed', 'ps.site_days', 't.status as ticket_status', 't.secret_serial', 't.entries_used', 't.inside', 'p.pass_rules', 'p.reentry', 'site.timezone')
  const noon = (zone: string) => DateTime.fromISO(`${day}T12:00:00`, { zone }).toJSDate()
  return rows.map((row) => {
    const rules: PassRules = row.pass_rules
    const state = passState(passForEntry(row), rules, row.timezone, noon(row.timezone))
    const usable = row.ticket_status === 'valid' || row.ticket_status === 'used'
    return {
      id: Number(row.id),
      ticketId: Number(row.ticket_id),
      serial: row.secret_serial,
      status: usable ? state.status : 'revoked',
      activation: rules.activation,
      activateBy: row.activate_by,
      activatedAt: state.activatedAt,
      validUntil: state.validUntil,
      validity: rules.validity,
      entriesLeft: row.entries_allowed === null ? null : Math.max(row.entries_allowed - row.entries_used, 0),
      oncePerSitePerDay: rules.oncePerSitePerDay,
      enteredToday: row.site_days[String(siteId)] === day,
      blackoutToday: isBlackout(rules, day),
      inside: row.inside,
      reentry: row.reentry,
    }
  })
}
