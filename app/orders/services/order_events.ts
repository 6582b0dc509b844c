/*
 * An order's history: every change of state with its time, its actor and what it was about.
 * Written in the same transaction as the change itself.
 */
import type { TenantTransaction } from '#tenancy/services/tenant_database'
import type Order from '#orders/models/order'
import type { OrderStatus } from '#orders/models/order'

export interface Actor {
  type: 'visitor' | 'staff' | 'system' | 'channel' | 'distributor'
  id?: string | number | null
}

export const SYSTEM: Actor = { type: 'system' }

/** Moves the order to `status` (when given) and records the event. */
export async function recordOrderEvent(
  trx: TenantTransaction,
  order: Order,
  type: string,
  actor: Actor,
  data: Record<string, unknown> = {},
  status?: OrderStatus
) {
  const from = order.status
  if (status && status !== from) {
    order.status = status
    await order.useTransaction(trx).save()
  }
  await trx.table('order_events').insert({
    order_id: order.id,
    type,
    from_status: from,
    to_status: order.status,
    actor_type: actor.type,
    actor_id: actor.id === undefined || actor.id === null ? null : String(actor.id),
    data: JSON.stringify(data),
  })
}

export async function orderTimeline(trx: TenantTransaction, orderId: number) {
  return trx
    .from('order_events')
    .where('order_id', orderId)
    .orderBy('id')
    .select('type', 'from_status as fromStatus', 'to_status as toStatus', 'actor_type as actorType', 'actor_id as actorId', 'data', 'created_at as at')
}
