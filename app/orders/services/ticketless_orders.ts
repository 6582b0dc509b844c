/*
 * Ticketless orders: an order for something that is not a ticket, i.e. a pass renewal (续卡) or a
 * paid member tier (会员). It has no tickets and an empty hold, so the whole payment flow
 * (channels, notifications, the query job, the expiry sweep, reconciliation, finance exports)
 * treats it like any order: the hold is consumed when it is paid and released when it expires,
 * and neither takes or gives back any place. What the order buys is a row of its own keyed by
 * the order (`pass_renewals`, `member_purchases`), applied once, when the order is issued; an
 * order that expires or is cancelled applies nothing.
 */
import { DateTime } from 'luxon'
import InventoryService from '#inventory/services/inventory_service'
import { readBookingRules } from '#inventory/services/booking_policy'
import Order from '#orders/models/order'
import { issueOrder } from '#orders/services/checkout'
import { newOrderNumber } from '#orders/services/order_numbers'
import { recordOrderEvent, type Actor } from '#orders/services/order_events'
import { applyPassRenewal } from '#members/services/passes'
import Members from '#members/services/members'
import type { TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface TicketlessOrderInput {
  visitorId: number
  contactName: string | null
  contactPhone: string | null
  /** Fen; 0 issues the order at once. */
  amount: number
  /** What it buys, on the order's `placed` event (e.g. `{ renewsPass: 12 }`). */
  buys: Record<string, unknown>
}

/**
 * The order of a pending row of `table` (`pass_renewals`, `member_purchases`) matching `where` that
 * still waits for payment within its time, if any.
 */
export function waitingOrder(trx: TenantTransaction, table: 'pass_renewals' | 'member_purchases', where: Record<string, number>) {
  return Order.query({ client: trx })
    .whereIn('id', trx.from(table).where(where).where('status', 'pending').select('order_id'))
    .where('status', 'pending_payment')
    .where('expires_at', '>', new Date())
    .first()
}

/**
 * Places the order, pending payment for the venue's hold minutes, and lets `record` write what it
 * buys (in the same transaction). A free one is issued at once, which applies it.
 */
export async function placeTicketlessOrder(trx: TenantTransaction, tenant: Tenant, input: TicketlessOrderInput, record: (order: Order) => Promise<unknown>) {
  const { holdMinutes } = await readBookingRules(tenant, trx)
  const [hold] = await trx
    .table('holds')
    .insert({ visitor_id: input.visitorId, channel: 'visitor', expires_at: DateTime.now().plus({ minutes: holdMinutes }).toJSDate(), items: '[]', quotas: '[]' })
    .returning(['id', 'expires_at'])
  const actor: Actor = { type: 'visitor', id: input.visitorId }
  const order = await Order.create(
    {
      number: newOrderNumber(),
      status: 'pending_payment',
      visitorId: input.visitorId,
      salesChannel: 'visitor',
      contactName: input.contactName,
      contactPhone: input.contactPhone,
      totalAmount: input.amount,
      discountAmount: 0,
      holdId: hold.id,
      expiresAt: DateTime.fromJSDate(hold.expires_at),
    },
    { client: trx }
  )
  await record(order)
  await recordOrderEvent(trx, order, 'placed', actor, { totalAmount: input.amount, tickets: 0, holdId: hold.id, ...input.buys })
  if (input.amount === 0) {
    await InventoryService.consume(tenant, hold.id, trx)
    await issueOrder(trx, tenant, order, actor, { free: true })
  }
  return order
}

/** The order was just issued (issueOrder, its transaction): applies what a ticketless order bought. Whether it was one. */
export async function applyTicketlessOrder(trx: TenantTransaction, tenant: Tenant, order: Order): Promise<boolean> {
  const renewed = await applyPassRenewal(trx, tenant, order)
  const joined = await Members.for(tenant).applyPurchase(trx, order)
  return renewed || joined
}
