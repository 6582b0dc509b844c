/*
 * What a gate needs to keep admitting when the network is down: the venue's public keys (to
 * verify codes), the day's tickets of its site with their entries left, and the revoked codes.
 * Incremental (tickets changed since the last list, revocations after the last cursor) and signed
 * with the venue's ticket key, so a gate trusts only what the venue sent.
 */
import { sign } from 'node:crypto'
import { DateTime } from 'luxon'
import { entryWindow } from '#checkin/services/entry_rules'
import { TicketKeys } from '#tickets/services/ticket_keys'
import { passesForGate } from '#members/services/pass_gate'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface OfflineListAsk {
  siteId: number
  date?: Date
  updatedSince?: Date
  revocationsSince?: number
}

export async function offlineList(tenant: Tenant, ask: OfflineListAsk) {
  return runInTenant(tenant, async (trx) => {
    const site = await trx.from('sites').where('id', ask.siteId).firstOrFail()
    const day = (ask.date ? DateTime.fromJSDate(ask.date).toISODate() : DateTime.now().setZone(site.timezone).toISODate())!
    const tickets = await trx
      .from('order_tickets as t')
      .join('products as p', 'p.id', 't.product_id')
      .join('sessions as s', 's.id', 't.session_id')
      .where('s.site_id', ask.siteId)
      .whereIn('t.status', ['valid', 'used'])
      .whereRaw('(s.starts_at at time zone ?)::date = ?::date', [site.timezone, day])
      .if(ask.updatedSince, (query) => query.where('t.updated_at', '>', ask.updatedSince!))
      .orderBy('t.id')
      .select('t.id', 't.secret_serial', 't.party_size', 't.admitted', 't.entries_used', 't.inside', 't.last_entry_at', 'p.entries_per_ticket', 'p.reentry', 'p.entry_opens_minutes_before', 'p.entry_closes_minutes_after', 's.kind', 's.starts_at', 's.ends_at', 's.id as session_id')
    const revocations = await trx
      .from('ticket_revocations')
      .where('id', '>', ask.revocationsSince ?? 0)
      .orderBy('id')
      .select('id', 'ticket_id', 'secret_serial')
    // 年卡: the passes that admit at this site, with what the gate needs to decide on `day`.
    const passes = await passesForGate(trx, ask.siteId, day, ask.updatedSince)
    const signer = await TicketKeys.signer(tenant, trx)
    const body = JSON.stringify({
      tenantId: tenant.id,
      siteId: ask.siteId,
      date: day,
      generatedAt: new Date().toISOString(),
      incremental: Boolean(ask.updatedSince),
      keys: (await TicketKeys.list(tenant)).map(({ kid, publicKey, status }) => ({ kid, publicKey, status })),
      tickets: tickets.map((row) => ({
        id: Number(row.id),
        serial: row.secret_serial,
        sessionId: Number(row.session_id),
        partySize: row.party_size,
        admitted: row.admitted,
        entriesUsed: row.entries_used,
        entriesPerTicket: row.entries_per_ticket,
        inside: row.inside,
        reentry: row.reentry,
        ...entryWindow({ sessionKind: row.kind, startsAt: row.starts_at, endsAt: row.ends_at, opensBefore: row.entry_opens_minutes_before, closesAfter: row.entry_closes_minutes_after }),
      })),
      passes,
      revocations: revocations.map((row) => ({ id: Number(row.id), ticketId: Number(row.ticket_id), serial: row.secret_serial })),
      revocationCursor: revocations.length ? Number(revocations.at(-1)!.id) : (ask.revocationsSince ?? 0),
    })
    return { body, signature: `${signer.kid}.${sign(null, Buffer.from(body), signer.privateKey).toString('base64url')}` }
  })
}
