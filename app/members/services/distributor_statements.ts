/*
 * A distributor's statement (对账单) for days at the venue's clock: the deposit's opening and
 * closing balance, every movement between them, the orders and refunds behind them with their
 * tickets and fees. All money figures come from the ledger, so opening + movements = closing, and
 * each order and refund is dated by the movement it made (an order with a zero settlement total,
 * which moves nothing, by its creation).
 */
import { DateTime } from 'luxon'
import { invalid, notFound } from '#core/app_error'
import { ledgerBetween } from '#members/services/distributors'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

const VENUE_CLOCK = 'Asia/Shanghai'
const MAX_DAYS = 366

function range(from: string, to: string) {
  const first = DateTime.fromISO(from, { zone: VENUE_CLOCK }).startOf('day')
  const last = DateTime.fromISO(to, { zone: VENUE_CLOCK }).startOf('day')
  if (!first.isValid) throw invalid('from', 'Not a calendar day (YYYY-MM-DD)')
  if (!last.isValid || last < first) throw invalid('to', 'Not a calendar day (YYYY-MM-DD) on or after from')
  if (last.diff(first, 'days').days >= MAX_DAYS) throw invalid('to', `A statement covers at most ${MAX_DAYS} days`, 'E_RANGE_TOO_LONG')
  return { start: first.toJSDate(), end: last.plus({ days: 1 }).toJSDate() }
}

async function balanceBefore(trx: TenantTransaction, distributorId: number, at: Date) {
  const row = await trx.from('distributor_ledger').where('distributor_id', distributorId).where('created_at', '<', at).orderBy('id', 'desc').select('balance_after').first()
  return Number(row?.balance_after ?? 0)
}

export async function distributorStatement(tenant: Tenant, distributorId: number, from: string, to: string) {
  const { start, end } = range(from, to)
  return runInTenant(
    tenant,
    async (trx) => {
      const distributor = await trx.from('distributors').where('id', distributorId).select('id', 'name').first()
      if (!distributor) throw notFound('No such distributor', 'E_DISTRIBUTOR_NOT_FOUND')
      const movements = await ledgerBetween(trx, distributorId, start, end)
      const orders = await trx
        .from('distributor_orders as x')
        .join('orders as o', 'o.id', 'x.order_id')
        .leftJoin('distributor_ledger as l', (join) => join.on('l.order_id', 'x.order_id').andOnVal('l.kind', 'order'))
        .where('x.distributor_id', distributorId)
        .whereRaw('coalesce(l.created_at, x.created_at) >= ? and coalesce(l.created_at, x.created_at) < ?', [start, end])
        .orderBy('x.id')
        .select('o.number', 'x.external_no', 'o.status', 'o.total_amount', 'o.refunded_amount', trx.raw('coalesce(l.created_at, x.created_at) as at'))
        .select(trx.raw('(select count(*) from order_tickets t where t.order_id = o.id and t.replaces_id is null)::int as tickets'))
      const refunds = await trx
        .from('distributor_ledger as l')
        .join('refunds as r', 'r.id', 'l.refund_id')
        .join('orders as o', 'o.id', 'r.order_id')
        .join('distributor_orders as x', 'x.order_id', 'o.id')
        .where('l.distributor_id', distributorId)
        .where('l.kind', 'refund')
        .where('l.created_at', '>=', start)
        .where('l.created_at', '<', end)
        .orderBy('l.id')
        .select('r.out_refund_no', 'o.number', 'x.external_no', 'r.amount', 'r.fee', 'r.ticket_ids', 'l.created_at')
      const opening = await balanceBefore(trx, distributorId, start)
      const closing = await balanceBefore(trx, distributorId, end)
      const sum = (kind: string) => movements.filter((m) => m.kind === kind).reduce((total, m) => total + m.amount, 0)
      return {
        distributor: { id: Number(distributor.id), name: distributor.name },
        from,
        to,
        currency: 'CNY',
        openingBalance: opening,
        closingBalance: closing,
        totals: {
          orders: orders.length,
          tickets: orders.reduce((total, order) => total + order.tickets, 0),
          settlementAmount: -sum('order'),
          refundedAmount: sum('refund'),
          refundFees: refunds.reduce((total, refund) => total + refund.fee, 0),
          topUps: sum('top_up'),
          withdrawals: -sum('withdrawal'),
          net: movements.reduce((total, m) => total + m.amount, 0),
        },
        orders: orders.map((order) => ({
          number: order.number,
          distributorOrderNo: order.external_no,
          status: order.status,
          tickets: order.tickets,
          settlementAmount: order.total_amount,
          refundedAmount: order.refunded_amount,
          at: order.at,
        })),
        refunds: refunds.map((refund) => ({
          outRefundNo: refund.out_refund_no,
          order: refund.number,
          distributorOrderNo: refund.external_no,
          tickets: refund.ticket_ids.length,
          credited: refund.amount,
          fee: refund.fee,
          at: refund.created_at,
        })),
        movements,
      }
    },
    { isolationLevel: 'repeatable read' }
  )
}

type Statement = Awaited<ReturnType<typeof distributorStatement>>

const cell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : value instanceof Date ? DateTime.fromJSDate(value).setZone(VENUE_CLOCK).toISO()! : String(value)
  // Quoted when needed; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+$/.test(text) ? `'${text}` : text
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** The statement's movements as CSV (amounts in fen), between its opening and closing balances. */
export function statementCsv(statement: Statement) {
  const lines = [
    ['at', 'kind', 'order', 'distributor_order_no', 'amount_fen', 'balance_after_fen', 'reference', 'note'],
    [statement.from, 'opening_balance', '', '', '', statement.openingBalance, '', statement.distributor.name],
    ...statement.movements.map((m) => [m.at, m.kind, m.order, m.distributorOrderNo, m.amount, m.balanceAfter, m.reference, m.note]),
    [statement.to, 'closing_balance', '', '', '', statement.closingBalance, '', ''],
  ]
  return `\ufeff${lines.map((line) => line.map(cell).join(',')).join('\r\n')}\r\n`
}
