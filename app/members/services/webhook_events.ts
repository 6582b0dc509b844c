/*
 * The webhook events, one builder each, called in the transaction of the change they tell about:
 * each payload is described in docs/webhooks.md. Amounts are in fen. No personal data (names, ID
 * numbers, phones) leaves in a payload: receivers look an order up by its number if they need more.
 */
import type Order from '#orders/models/order'
import type Refund from '#orders/models/refund'
import type { TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import { emitWebhookEvent } from './webhooks.js'
import { notifyDistributor } from './distributor_callbacks.js'

interface TicketRow {
  id: number
  product_id: number
  session_id: number
  seat_id: number | null
  price: number
  status: string
  replaces_id: number | null
}

const presentTicket = (row: TicketRow) => ({
  id: Number(row.id),
  productId: Number(row.product_id),
  sessionId: Number(row.session_id),
  seatId: row.seat_id === null ? null : Number(row.seat_id),
  price: row.price,
  status: row.status,
})

/** A pass as payloads show it: no holder data (receivers look the order up if they need more). */
async function presentPass(trx: TenantTransaction, passId: number) {
  const row = await trx.from('passes as ps').join('orders as o', 'o.id', 'ps.order_id').where('ps.id', passId).select('ps.*', 'o.number as order_number').firstOrFail()
  return {
    pass: Number(row.id),
    ticketId: Number(row.ticket_id),
    productId: Number(row.product_id),
    order: row.order_number,
    status: row.status,
    activatedAt: row.activated_at,
    validUntil: row.valid_until,
    entriesAllowed: row.entries_allowed,
  }
}

export const webhookEvents = {
  /** order.paid: the order is paid (or free) and its tickets issued. */
  async orderPaid(trx: TenantTransaction, tenant: Tenant, order: Order) {
    const tickets: TicketRow[] = await trx.from('order_tickets').where('order_id', order.id).where('status', 'valid').orderBy('id')
    await emitWebhookEvent(trx, tenant, 'order.paid', {
      order: order.number,
      totalAmount: order.totalAmount,
      paidAt: order.paidAt?.toISO() ?? null,
      tickets: tickets.map(presentTicket),
    })
  },

  /** order.refunded: the money of a refund is back with the payer (or there was none to send). */
  async orderRefunded(trx: TenantTransaction, tenant: Tenant, order: Order, refund: Refund) {
    await emitWebhookEvent(trx, tenant, 'order.refunded', {
      order: order.number,
      refund: refund.outRefundNo,
      kind: refund.kind,
      amount: refund.amount,
      fee: refund.fee,
      ticketIds: refund.ticketIds,
    })
  },

  /** order.changed: tickets moved to another session (改签); the new tickets replace the old ones. */
  async orderChanged(trx: TenantTransaction, tenant: Tenant, order: Order, changeId: number) {
    const change = await trx.from('order_changes').where('id', changeId).firstOrFail()
    const replaced = change.ticket_ids.map(Number)
    const tickets: TicketRow[] = await trx.from('order_tickets').whereIn('replaces_id', replaced).orderBy('id')
    await emitWebhookEvent(trx, tenant, 'order.changed', {
      order: order.number,
      change: Number(change.id),
      toSessionId: Number(change.to_session_id),
      difference: change.difference,
      tickets: tickets.map((ticket) => ({ ...presentTicket(ticket), replacesId: Number(ticket.replaces_id) })),
    })
  },

  /** pass.activated: an annual pass (年卡) started its validity (holder, first entry, or its window ran out). */
  async passActivated(trx: TenantTransaction, tenant: Tenant, passId: number) {
    await emitWebhookEvent(trx, tenant, 'pass.activated', await presentPass(trx, passId))
  },

  /** pass.renewed: a renewal (续卡) was paid and the pass's validity extended. */
  async passRenewed(trx: TenantTransaction, tenant: Tenant, passId: number, renewal: { order: string; price: number; validUntilBefore: Date; validUntilAfter: Date }) {
    await emitWebhookEvent(trx, tenant, 'pass.renewed', { ...(await presentPass(trx, passId)), renewal })
  },

  /** ticket.checked_in: a gate or scanner admitted a ticket (re-entries included). */
  async ticketCheckedIn(trx: TenantTransaction, tenant: Tenant, checkinId: number) {
    const row = await trx
      .from('checkins as c')
      .leftJoin('orders as o', 'o.id', 'c.order_id')
      .leftJoin('devices as d', 'd.id', 'c.device_id')
      .where('c.id', checkinId)
      .select('c.*', 'o.number as order_number', 'o.sales_channel', 'd.name as device_name')
      .firstOrFail()
    const data = {
      checkin: Number(row.id),
      ticketId: Number(row.ticket_id),
      order: row.order_number,
      sessionId: Number(row.session_id),
      siteId: Number(row.site_id),
      people: row.people,
      method: row.method,
      device: row.device_id ? { id: Number(row.device_id), name: row.device_name } : null,
      staffId: row.staff_id ? Number(row.staff_id) : null,
      offline: row.offline,
      occurredAt: row.occurred_at,
    }
    await emitWebhookEvent(trx, tenant, 'ticket.checked_in', data)
    // A distributor's ticket (分销): its own callback too, with its own order number. Only those look
    // further: this runs in every admitted scan's transaction.
    if (row.order_id && row.sales_channel === 'distributor') await notifyDistributor(trx, tenant, Number(row.order_id), 'ticket.checked_in', data)
  },

  /** member.joined: a visitor's membership started (joined, granted by staff, or restarted on another tier). */
  async memberJoined(trx: TenantTransaction, tenant: Tenant, data: Record<string, unknown>) {
    await emitWebhookEvent(trx, tenant, 'member.joined', data)
  },
}
