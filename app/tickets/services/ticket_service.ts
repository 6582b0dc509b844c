/*
 * E-tickets: a valid ticket's code (signed, see ticket_codes.ts), revoking codes that must stop
 * working (refunded, changed, re-issued: gates keep the revocation list offline), and re-issuing a
 * ticket under a new code (e.g. a screenshot was shared).
 */
import { AppError, notFound } from '#core/app_error'
import { recordOrderEvent, type Actor } from '#orders/services/order_events'
import Order from '#orders/models/order'
import { encodeTicketCode } from '#tickets/services/ticket_codes'
import { TicketKeys } from '#tickets/services/ticket_keys'
import { entryWindow } from '#checkin/services/entry_rules'
import { maskName } from '#orders/services/holder_identity'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** Puts the current codes of these tickets on the revocation list (in the caller's transaction). */
export async function revokeTicketCodes(trx: TenantTransaction, ticketIds: number[], reason: 'refunded' | 'changed' | 'reissued') {
  if (!ticketIds.length) return
  await trx.rawQuery(
    `insert into ticket_revocations (ticket_id, secret_serial, reason)
     select id, secret_serial, ? from order_tickets where id = any(?::bigint[])
     on conflict (ticket_id, secret_serial) do nothing`,
    [reason, ticketIds]
  )
}

export default class TicketService {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new TicketService(tenant)
  }

  /** The order's tickets as the visitor shows them at the gate: codes only for tickets that admit. */
  async ofOrder(order: Order) {
    return runInTenant(this.tenant, async (trx) => {
      const rows = await trx
        .from('order_tickets as t')
        .join('products as p', 'p.id', 't.product_id')
        .join('sessions as s', 's.id', 't.session_id')
        .join('sites as site', 'site.id', 's.site_id')
        .leftJoin('seats as seat', 'seat.id', 't.seat_id')
        .where('t.order_id', order.id)
        .whereNotIn('t.status', ['changed', 'void'])
        .orderBy('t.id')
        .select('t.*', 'p.name as product_name', 'p.entries_per_ticket', 'p.entry_opens_minutes_before', 'p.entry_closes_minutes_after', 's.kind as session_kind', 's.starts_at', 's.ends_at', 's.name as session_name', 'site.name as site_name', 'site.timezone', 'seat.section', 'seat.row_label', 'seat.seat_label')
      const signer = rows.some((row) => row.status === 'valid' || row.status === 'used') ? await TicketKeys.signer(this.tenant, trx) : null
      return rows.map((row) => {
        const admits = row.status === 'valid' || row.status === 'used'
        return {
          id: Number(row.id),
          status: row.status,
          code: admits ? encodeTicketCode({ kid: signer!.kid, tenantId: this.tenant.id, ticketId: Number(row.id), serial: row.secret_serial }, signer!.privateKey) : null,
          product: row.product_name,
          site: row.site_name,
          timezone: row.timezone as string,
          session: { name: row.session_name, startsAt: row.starts_at, endsAt: row.ends_at },
          window: entryWindow({ sessionKind: row.session_kind, startsAt: row.starts_at, endsAt: row.ends_at, opensBefore: row.entry_opens_minutes_before, closesAfter: row.entry_closes_minutes_after }),
          seat: row.row_label ? { section: row.section, row: row.row_label, label: row.seat_label } : null,
          holder: row.holder_name ? { name: maskName(row.holder_name), idMasked: row.holder_id_masked } : null,
          partySize: row.party_size,
          entriesLeft: row.entries_per_ticket === null ? null : Math.max(row.entries_per_ticket - row.entries_used, 0),
        }
      })
    })
  }

  /** A new code for a valid ticket; the old one is revoked at once (online and on gates' lists). */
  async reissue(ticketId: number, actor: Actor) {
    return runInTenant(this.tenant, async (trx) => {
      const ticket = await trx.from('order_tickets').where('id', ticketId).forUpdate().first()
      if (!ticket) throw notFound('No such ticket', 'E_TICKET_NOT_FOUND')
      if (ticket.status !== 'valid') throw new AppError(`This ticket is ${ticket.status}: only a valid ticket can be re-issued`, { status: 409, code: 'E_TICKET_NOT_VALID' })
      await revokeTicketCodes(trx, [ticketId], 'reissued')
      await trx.from('order_tickets').where('id', ticketId).update({ secret_serial: ticket.secret_serial + 1, updated_at: new Date() })
      const order = await Order.query({ client: trx }).where('id', ticket.order_id).firstOrFail()
      await recordOrderEvent(trx, order, 'ticket_reissued', actor, { ticketId, serial: ticket.secret_serial + 1 })
      return { ticketId, serial: ticket.secret_serial + 1 }
    })
  }
}
