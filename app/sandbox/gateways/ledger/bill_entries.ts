/*
 * What goes on a merchant's bill (对账单) for one Beijing day, read from the sandbox's own ledger:
 * every trade paid that day and every refund that succeeded that day, in time order. Each gateway
 * writes these entries in its own bill format. The sandbox charges a 0.6% fee (手续费, rounded to
 * the fen) on each payment and gives a refund back its share of it, as WeChat Pay and Alipay do.
 */
import type { SandboxGatewayName, SandboxRefund, SandboxTrade } from '#sandbox/ledger'
import type { SandboxContext } from '#sandbox/sandbox_server'

export interface BillEntry {
  kind: 'payment' | 'refund'
  trade: SandboxTrade
  refund?: SandboxRefund
  at: Date
  /** Fen. */
  amount: number
  /** Fen: charged on a payment (positive), returned on a refund (negative). */
  fee: number
}

const BEIJING_OFFSET_MS = 8 * 3_600_000
/** The sandbox's fee rate, in ‱ (60 = 0.60%). */
export const FEE_RATE_BASIS_POINTS = 60

export const feeOf = (amount: number) => Math.round((amount * FEE_RATE_BASIS_POINTS) / 10_000)

/** yyyy-MM-dd of an instant in Beijing time. */
export const beijingDay = (at: Date) => new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10)

/** A bill date the gateways accept: a real yyyy-MM-dd, not after today (Beijing). The sandbox serves today's bill so far. */
export function billableDay(date: string | null | undefined): boolean {
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return false
  const parsed = new Date(`${date}T00:00:00Z`)
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date && date <= beijingDay(new Date())
}

export function billEntries(context: SandboxContext, gateway: SandboxGatewayName, merchantId: string, date: string): BillEntry[] {
  // The ledger keeps its trades in this state section; find() brings each up to date (expiry, refunds' completion).
  const stored = context.state.section<Record<string, SandboxTrade>>('trades', () => ({}))
  const entries: BillEntry[] = []
  for (const { outTradeNo } of Object.values(stored).filter((trade) => trade.gateway === gateway && trade.merchantId === merchantId)) {
    const trade = context.ledger.find(gateway, merchantId, outTradeNo)!
    if (trade.paidAt && beijingDay(new Date(trade.paidAt)) === date) {
      entries.push({ kind: 'payment', trade, at: new Date(trade.paidAt), amount: trade.amount, fee: feeOf(trade.amount) })
    }
    for (const { outRefundNo } of trade.refunds) {
      const refund = context.ledger.findRefund(trade, outRefundNo)!
      if (refund.state === 'success' && refund.completedAt && beijingDay(new Date(refund.completedAt)) === date) {
        entries.push({ kind: 'refund', trade, refund, at: new Date(refund.completedAt), amount: refund.amount, fee: -feeOf(refund.amount) })
      }
    }
  }
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime())
}
