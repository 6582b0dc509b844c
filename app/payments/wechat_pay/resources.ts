/*
 * WeChat Pay API v3 resources as they travel (snake_case JSON), and how they read in the channel
 * contract's terms. The same shapes come back from queries and arrive (decrypted) in notifications.
 */
import type { ChannelRefund, ChannelTrade, RefundState, TradeState } from '#payments/channel'

/** A payment (商户订单): the query answer, and the resource of TRANSACTION.SUCCESS. */
export interface WechatTransaction {
  appid: string
  mchid: string
  out_trade_no: string
  transaction_id?: string
  trade_state: string
  success_time?: string
  amount?: { total?: number; currency?: string }
}

/** A refund: the answer of the refund calls, and the resource of REFUND.* notifications. */
export interface WechatRefund {
  /** Notifications only. */
  mchid?: string
  out_trade_no: string
  out_refund_no: string
  refund_id?: string
  /** The answers call it `status`, the notifications `refund_status`. */
  status?: string
  refund_status?: string
  success_time?: string
  amount?: { total?: number; refund?: number }
}

/** An error answer. */
export interface WechatError {
  code: string
  message: string
}

const TRADE_STATES: Record<string, TradeState> = {
  SUCCESS: 'paid',
  /** 转入退款: it was paid; its refunds are followed on their own. */
  REFUND: 'paid',
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  CLOSED: 'closed',
  REVOKED: 'closed',
  PAYERROR: 'closed',
}

const REFUND_STATES: Record<string, RefundState> = {
  SUCCESS: 'succeeded',
  PROCESSING: 'processing',
  /** 退款异常 (e.g. the buyer's card was closed): not final, someone has to act in the merchant platform. */
  ABNORMAL: 'abnormal',
  CLOSED: 'failed',
}

/** Undefined when the resource is not a payment we can read. */
export function toChannelTrade(transaction: WechatTransaction): ChannelTrade | undefined {
  const state = TRADE_STATES[transaction?.trade_state]
  if (!state || typeof transaction.out_trade_no !== 'string') return undefined
  return {
    outTradeNo: transaction.out_trade_no,
    state,
    amount: transaction.amount?.total,
    currency: transaction.amount?.currency,
    merchantId: transaction.mchid,
    appId: transaction.appid,
    channelTradeNo: transaction.transaction_id,
    paidAt: transaction.success_time ? new Date(transaction.success_time) : undefined,
  }
}

/** Undefined when the resource is not a refund we can read. */
export function toChannelRefund(refund: WechatRefund): ChannelRefund | undefined {
  const state = REFUND_STATES[refund?.status ?? refund?.refund_status ?? '']
  if (!state || typeof refund.out_refund_no !== 'string') return undefined
  return {
    outTradeNo: refund.out_trade_no,
    outRefundNo: refund.out_refund_no,
    state,
    amount: refund.amount?.refund,
    channelRefundNo: refund.refund_id,
    completedAt: state === 'succeeded' && refund.success_time ? new Date(refund.success_time) : undefined,
  }
}
