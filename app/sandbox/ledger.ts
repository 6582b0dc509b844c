/*
 * The sandbox's own books, shared by its gateways: trades (payments) and their refunds, per
 * gateway and merchant. Each gateway maps these states to its own vocabulary
 * (WeChat NOTPAY/SUCCESS/CLOSED, Alipay WAIT_BUYER_PAY/TRADE_SUCCESS/TRADE_CLOSED, UnionPay respCodes).
 */
import { randomBytes } from 'node:crypto'
import type { SandboxState } from '#sandbox/sandbox_state'

export type SandboxGatewayName = 'wechatpay' | 'alipay' | 'unionpay' | 'wechatapi'

export interface SandboxRefund {
  outRefundNo: string
  refundNo: string
  amount: number
  reason?: string
  notifyUrl?: string
  /** processing until `completesAt`, then `outcome` (success unless a fault said otherwise). */
  state: 'processing' | 'success' | 'abnormal' | 'closed'
  outcome: 'success' | 'abnormal' | 'closed'
  createdAt: string
  completesAt: string
  completedAt?: string
  /** The gateway has been told it ended (and notified, if it does). */
  announced?: boolean
}

export interface SandboxTrade {
  gateway: SandboxGatewayName
  merchantId: string
  appId?: string
  outTradeNo: string
  /** The gateway's own trade number (transaction_id / trade_no / queryId). */
  tradeNo: string
  /** The cashier page's bearer token. */
  token: string
  amount: number
  description: string
  method: string
  payerId?: string
  notifyUrl?: string
  returnUrl?: string
  state: 'pending' | 'paid' | 'closed' | 'failed'
  createdAt: string
  expiresAt: string
  paidAt?: string
  closedAt?: string
  refunds: SandboxRefund[]
  /** Whatever else the gateway wants to keep (e.g. attach, passback params). */
  extra: Record<string, unknown>
}

export class SandboxLedger {
  readonly #trades: Record<string, SandboxTrade>

  constructor(private readonly state: SandboxState) {
    this.#trades = state.section('trades', () => ({}))
  }

  static key(gateway: SandboxGatewayName, merchantId: string, outTradeNo: string) {
    return `${gateway}:${merchantId}:${outTradeNo}`
  }

  find(gateway: SandboxGatewayName, merchantId: string, outTradeNo: string): SandboxTrade | undefined {
    const trade = this.#trades[SandboxLedger.key(gateway, merchantId, outTradeNo)]
    return trade && this.#settleClock(trade)
  }

  findByToken(token: string): SandboxTrade | undefined {
    const trade = Object.values(this.#trades).find((candidate) => candidate.token === token)
    return trade && this.#settleClock(trade)
  }

  findByTradeNo(gateway: SandboxGatewayName, tradeNo: string): SandboxTrade | undefined {
    const trade = Object.values(this.#trades).find((candidate) => candidate.gateway === gateway && candidate.tradeNo === tradeNo)
    return trade && this.#settleClock(trade)
  }

  /** A new pending trade; the same outTradeNo twice returns the first one (the gateways reject changed terms themselves). */
  open(trade: Omit<SandboxTrade, 'token' | 'state' | 'createdAt' | 'refunds' | 'extra'> & { extra?: Record<string, unknown> }): SandboxTrade {
    const key = SandboxLedger.key(trade.gateway, trade.merchantId, trade.outTradeNo)
    const existing = this.#trades[key]
    if (existing) return this.#settleClock(existing)
    const created: SandboxTrade = {
      ...trade,
      token: randomBytes(16).toString('hex'),
      state: 'pending',
      createdAt: new Date().toISOString(),
      refunds: [],
      extra: trade.extra ?? {},
    }
    this.#trades[key] = created
    this.state.changed()
    return created
  }

  /** The cashier's outcome: pay (only a pending trade), fail (the attempt fails, the trade stays payable), cancel (closes it). */
  settle(trade: SandboxTrade, outcome: 'pay' | 'fail' | 'cancel'): SandboxTrade {
    this.#settleClock(trade)
    if (trade.state !== 'pending') return trade
    if (outcome === 'pay') {
      trade.state = 'paid'
      trade.paidAt = new Date().toISOString()
    } else if (outcome === 'cancel') {
      this.close(trade)
    }
    this.state.changed()
    return trade
  }

  close(trade: SandboxTrade): SandboxTrade {
    if (trade.state === 'pending') {
      trade.state = 'closed'
      trade.closedAt = new Date().toISOString()
      this.state.changed()
    }
    return trade
  }

  refunded(trade: SandboxTrade): number {
    return trade.refunds.filter((refund) => refund.state !== 'closed').reduce((sum, refund) => sum + refund.amount, 0)
  }

  /** Records a refund (idempotent by outRefundNo); the caller has checked the amount. */
  addRefund(trade: SandboxTrade, refund: Pick<SandboxRefund, 'outRefundNo' | 'amount' | 'reason' | 'notifyUrl'>, options: { delayMs: number; outcome?: SandboxRefund['outcome'] }) {
    const existing = trade.refunds.find((candidate) => candidate.outRefundNo === refund.outRefundNo)
    if (existing) return this.#settleRefund(existing)
    const now = Date.now()
    const created: SandboxRefund = {
      ...refund,
      refundNo: `${Date.now()}${randomBytes(4).readUInt32BE()}`,
      state: 'processing',
      outcome: options.outcome ?? 'success',
      createdAt: new Date(now).toISOString(),
      completesAt: new Date(now + options.delayMs).toISOString(),
    }
    trade.refunds.push(created)
    this.state.changed()
    return this.#settleRefund(created)
  }

  findRefund(trade: SandboxTrade, outRefundNo: string): SandboxRefund | undefined {
    const refund = trade.refunds.find((candidate) => candidate.outRefundNo === outRefundNo)
    return refund && this.#settleRefund(refund)
  }

  /** Refunds that have ended since last asked (each returned once). */
  endedRefunds(): { trade: SandboxTrade; refund: SandboxRefund }[] {
    const ended: { trade: SandboxTrade; refund: SandboxRefund }[] = []
    for (const trade of Object.values(this.#trades)) {
      for (const refund of trade.refunds) {
        if (refund.announced || this.#settleRefund(refund).state === 'processing') continue
        refund.announced = true
        this.state.changed()
        ended.push({ trade, refund })
      }
    }
    return ended
  }

  /** Unpaid trades close by themselves at their expiry, as the gateways do. */
  #settleClock(trade: SandboxTrade): SandboxTrade {
    if (trade.state === 'pending' && Date.parse(trade.expiresAt) <= Date.now()) {
      trade.state = 'closed'
      trade.closedAt = trade.expiresAt
      this.state.changed()
    }
    return trade
  }

  #settleRefund(refund: SandboxRefund): SandboxRefund {
    if (refund.state === 'processing' && Date.parse(refund.completesAt) <= Date.now()) {
      refund.state = refund.outcome
      refund.completedAt = new Date().toISOString()
      this.state.changed()
    }
    return refund
  }
}
