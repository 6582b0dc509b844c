import { invalid } from '#core/app_error'
import type Order from '#orders/models/order'
import OrderTicket from '#orders/models/order_ticket'
import type { TenantTransaction } from '#tenancy/services/tenant_database'

/**
 * The tickets of `order` a refund or a change acts on: those asked for, or every valid one when
 * none are named. Each must be valid now; `lock` keeps them until the transaction ends.
 */
export async function selectValidTickets(
  trx: TenantTransaction,
  order: Order,
  ticketIds: number[] | undefined,
  action: { verb: 'refund' | 'change'; code: string; lock?: boolean }
) {
  const query = OrderTicket.query({ client: trx }).where('order_id', order.id).orderBy('id')
  if (action.lock) query.forUpdate()
  const all = await query
  const chosen = ticketIds ? all.filter((ticket) => ticketIds.includes(ticket.id)) : all.filter((ticket) => ticket.status === 'valid')
  if (ticketIds && chosen.length !== new Set(ticketIds).size) throw invalid('ticketIds', 'Some of these tickets are not in this order', 'E_TICKET_NOT_FOUND')
  if (!chosen.length) throw invalid('ticketIds', `There is no valid ticket to ${action.verb} in this order`, `E_NOTHING_TO_${action.verb.toUpperCase()}`)
  const unusable = chosen.find((ticket) => ticket.status !== 'valid')
  if (unusable) throw invalid('ticketIds', `Ticket ${unusable.id} is ${unusable.status}: only valid tickets can be ${action.verb === 'refund' ? 'refunded' : 'changed'}`, action.code)
  return chosen
}
