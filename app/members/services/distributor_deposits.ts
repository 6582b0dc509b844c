/*
 * A distributor's prepaid deposit (预存款): its balance moves only here, by one conditional UPDATE
 * of its row (a debit needs the balance to cover it, and the database refuses a negative balance
 * anyway), with a ledger row in the same transaction saying why and what balance it left: staff
 * top-ups and withdrawals with their reference, one debit per order at its settlement total, one
 * credit per refund of what the refund gave back (settlement price less the rules' fee).
 */
import { AppError, notFound } from '#core/app_error'
import type Order from '#orders/models/order'
import type Refund from '#orders/models/refund'
import type { TenantTransaction } from '#tenancy/services/tenant_database'

export type LedgerKind = 'top_up' | 'withdrawal' | 'order' | 'refund'

export interface LedgerRow {
  id: number
  distributor_id: number
  kind: LedgerKind
  amount: number | string
  balance_after: number | string
  order_id: number | null
  refund_id: number | null
  reference: string | null
  note: string | null
  actor: string | null
  created_at: Date
}

export interface Movement {
  kind: LedgerKind
  /** Signed fen: + into the deposit, − out of it. */
  amount: number
  orderId?: number
  refundId?: number
  reference?: string | null
  note?: string | null
  actor: string
}

export function presentMovement(row: LedgerRow & { order_number?: string | null; external_no?: string | null }) {
  return {
    id: Number(row.id),
    kind: row.kind,
    amount: Number(row.amount),
    balanceAfter: Number(row.balance_after),
    order: row.order_number ?? null,
    distributorOrderNo: row.external_no ?? null,
    refundId: row.refund_id === null ? null : Number(row.refund_id),
    reference: row.reference,
    note: row.note,
    actor: row.actor,
    at: row.created_at,
  }
}

/**
 * Moves the deposit and records why, in the caller's transaction. A debit the balance cannot
 * cover is refused (402) and changes nothing; so is any movement of a suspended distributor's
 * deposit but a refund's credit or staff's own.
 */
export async function moveDeposit(trx: TenantTransaction, distributorId: number, movement: Movement) {
  const onlyIfActive = movement.kind === 'order'
  const { rows } = await trx.rawQuery(
    `update distributors set balance = balance + ?, updated_at = now()
     where id = ? and balance + ? >= 0 ${onlyIfActive ? "and status = 'active'" : ''}
     returning balance`,
    [movement.amount, distributorId, movement.amount]
  )
  if (!rows.length) {
    const current = await trx.from('distributors').where('id', distributorId).select('status', 'balance').first()
    if (!current) throw notFound('No such distributor', 'E_DISTRIBUTOR_NOT_FOUND')
    if (onlyIfActive && current.status !== 'active') {
      throw new AppError('This distributor is suspended: it cannot place orders', { status: 403, code: 'E_DISTRIBUTOR_SUSPENDED' })
    }
    const balance = Number(current.balance)
    const required = -movement.amount
    throw new AppError(
      movement.kind === 'order'
        ? `The deposit (${balance} fen) does not cover this order (${required} fen): top up ${required - balance} fen more`
        : `The deposit (${balance} fen) is less than this withdrawal (${required} fen)`,
      { status: 402, code: 'E_DEPOSIT_SHORT', field: movement.kind === 'order' ? undefined : 'amount', meta: { balance, required } }
    )
  }
  const [row]: LedgerRow[] = await trx
    .table('distributor_ledger')
    .insert({
      distributor_id: distributorId,
      kind: movement.kind,
      amount: movement.amount,
      balance_after: rows[0].balance,
      order_id: movement.orderId ?? null,
      refund_id: movement.refundId ?? null,
      reference: movement.reference ?? null,
      note: movement.note ?? null,
      actor: movement.actor,
      created_at: trx.raw('clock_timestamp()'),
    })
    .returning('*')
  return row
}

/** A distributor's order, on credit: remembers its own number and debits the settlement total. */
export async function debitOrder(trx: TenantTransaction, distributorId: number, order: Order, externalNo: string) {
  await trx.table('distributor_orders').insert({ distributor_id: distributorId, order_id: order.id, external_no: externalNo })
  if (order.totalAmount === 0) return
  await moveDeposit(trx, distributorId, {
    kind: 'order',
    amount: -order.totalAmount,
    orderId: order.id,
    note: `Order ${order.number} (${externalNo})`,
    actor: `distributor:${distributorId}`,
  })
}

/** An approved refund of a distributor's order (called by RefundService in its transaction): the deposit gets it back. */
export async function creditRefund(trx: TenantTransaction, order: Order, refund: Refund) {
  const link = await trx.from('distributor_orders').where('order_id', order.id).select('distributor_id').first()
  if (!link || refund.amount <= 0) return
  await moveDeposit(trx, Number(link.distributor_id), {
    kind: 'refund',
    amount: refund.amount,
    orderId: order.id,
    refundId: refund.id,
    note: `Refund ${refund.outRefundNo} of ${refund.ticketIds.length} ticket(s), fee ${refund.fee} fen`,
    actor: refund.decidedBy ?? 'system',
  })
}
