/*
 * An order's status once it is issued follows from its tickets and refunds: refunded when every
 * ticket was, refunding while money is on its way back, a request awaits staff or a failed refund
 * awaits its retry, partially
 * refunded, used or partially used (核销), else issued. Changed-away tickets (改签) do not count.
 */
import type Order from '#orders/models/order'
import type { OrderStatus } from '#orders/models/order'
import { recordOrderEvent, type Actor } from '#orders/services/order_events'
import type { TenantTransaction } from '#tenancy/services/tenant_database'

const SETTLED: OrderStatus[] = ['pending_payment', 'cancelled', 'expired']

export async function refreshOrderStatus(trx: TenantTransaction, order: Order, actor: Actor, type = 'status_changed') {
  if (SETTLED.includes(order.status)) return
  const rows: { status: string; n: number }[] = await trx
    .from('order_tickets')
    .where('order_id', order.id)
    .whereNotIn('status', ['changed', 'void'])
    .groupBy('status')
    .select('status')
    .count('* as n')
  const count = (status: string) => Number(rows.find((row) => row.status === status)?.n ?? 0)
  const live = rows.reduce((sum, row) => sum + Number(row.n), 0)
  const inFlight = await trx
    .from('refunds')
    .where('order_id', order.id)
    .whereNot('kind', 'surplus')
    .whereIn('status', ['requested', 'processing', 'abnormal', 'failed'])
    .first()

  let status: OrderStatus
  if (inFlight || count('refunding') > 0) status = 'refunding'
  else if (live > 0 && count('refunded') === live) status = 'refunded'
  else if (count('refunded') > 0) status = 'partially_refunded'
  else if (live > 0 && count('used') === live) status = 'used'
  else if (count('used') > 0) status = 'partially_used'
  else status = 'issued'
  if (status !== order.status) await recordOrderEvent(trx, order, type, actor, {}, status)
}
