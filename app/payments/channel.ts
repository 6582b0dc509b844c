/*
 * The one contract every payment channel (WeChat Pay v3, Alipay, UnionPay ACP) implements, for one
 * merchant account of one venue. Orders and refunds only ever talk to this; each implementation
 * wraps the channel's real client (SDK or our own) pointed at the configured gateway base URL
 * (the real gateway, or the local sandbox in development, demo and tests).
 *
 * Money is integer fen, currency CNY. `outTradeNo` / `outRefundNo` are ours (unique per merchant).
 */

export type ChannelKind = 'wechat_pay' | 'alipay' | 'unionpay'

export const CHANNEL_KINDS: ChannelKind[] = ['wechat_pay', 'alipay', 'unionpay']

/** How the visitor pays, per channel. */
export const PAYMENT_METHODS: Record<ChannelKind, readonly string[]> = {
  /** jsapi: inside WeChat (needs the payer's openid); native: a QR code to scan; h5: a mobile browser outside WeChat. */
  wechat_pay: ['jsapi', 'native', 'h5'],
  /** wap: mobile browser; page: desktop browser; precreate: a QR code to scan. */
  alipay: ['wap', 'page', 'precreate'],
  /** front: the browser posts a signed form to the UnionPay gateway. */
  unionpay: ['front'],
}

export interface PaymentRequest {
  outTradeNo: string
  amount: number
  description: string
  /** The channel closes the payment by itself at this time (WeChat time_expire, Alipay time_expire, UnionPay payTimeout). */
  expiresAt: Date
  notifyUrl: string
  /** Where the browser comes back to after paying (Alipay return_url, UnionPay frontUrl, WeChat H5 redirect_url). */
  returnUrl?: string
  method: string
  payer?: { openid?: string; clientIp?: string }
}

/** What the visitor's browser needs to pay. */
export type PaymentStart =
  | { kind: 'jsapi'; jsapi: { appId: string; timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string } }
  /** Open this URL (WeChat h5_url, Alipay wap/page pay URL). */
  | { kind: 'redirect'; url: string }
  /** Show this as a QR code (WeChat code_url, Alipay qr_code). */
  | { kind: 'qr'; url: string }
  /** Auto-submit this form (UnionPay frontTransReq). */
  | { kind: 'form'; form: { action: string; fields: Record<string, string> } }

export type TradeState =
  /** Known to the channel, not paid yet. */
  | 'pending'
  | 'paid'
  /** Closed without payment (timeout or close), or fully refunded after payment (Alipay TRADE_CLOSED). */
  | 'closed'
  /** The channel has never heard of it. */
  | 'not_found'

export interface ChannelTrade {
  outTradeNo: string
  state: TradeState
  /** The amount the channel says was (or is to be) paid, in fen. */
  amount?: number
  currency?: string
  /** The merchant (mchid / app_id / merId) and app (WeChat appid) the channel says this is for. */
  merchantId?: string
  appId?: string
  channelTradeNo?: string
  paidAt?: Date
  /** Alipay: the total refunded so far, when a notification says so (partial refunds arrive as TRADE_SUCCESS with refund_fee). */
  refundedAmount?: number
  /** True for Alipay TRADE_CLOSED and similar: the channel cannot tell a refunded trade from an unpaid timeout here. */
  closedAfterPayment?: boolean
}

export interface RefundRequest {
  outTradeNo: string
  outRefundNo: string
  /** This refund's amount, fen. */
  amount: number
  /** The payment's total, fen (WeChat needs it; others check it). */
  totalAmount: number
  reason: string
  notifyUrl: string
  /** UnionPay: the original payment's queryId. */
  channelTradeNo?: string
}

export type RefundState =
  | 'processing'
  | 'succeeded'
  /** CLOSED at WeChat: it failed and will not happen. */
  | 'failed'
  /** WeChat ABNORMAL (e.g. the buyer's card was closed): not final, needs attention. */
  | 'abnormal'
  | 'not_found'

export interface ChannelRefund {
  outTradeNo?: string
  outRefundNo: string
  state: RefundState
  amount?: number
  channelRefundNo?: string
  completedAt?: Date
}

/**
 * One line of a channel's daily bill (对账单): a payment the channel took or a refund it paid out
 * that Beijing day, as the channel settled it. Amounts in fen, always positive; `fee` is the
 * channel's charge (手续费) on a payment, negative on a refund when the channel returns its share.
 */
export interface BillLine {
  kind: 'payment' | 'refund'
  outTradeNo: string
  outRefundNo?: string
  channelTradeNo?: string
  channelRefundNo?: string
  amount: number
  fee: number
  occurredAt: Date
}

export type ChannelEvent = { type: 'payment'; trade: ChannelTrade } | { type: 'refund'; refund: ChannelRefund }

/** A notification exactly as it arrived: headers (lower-case names) and the raw body text. */
export interface IncomingNotification {
  headers: Record<string, string | undefined>
  rawBody: string
}

/** What to answer the channel. */
export interface NotificationAck {
  status: number
  contentType: string
  body: string
}

/** A notification that must change nothing: bad signature, stale, a probe, undecryptable, not ours. */
export class NotificationRejected extends Error {
  constructor(
    message: string,
    /** signature | timestamp | probe | decrypt | merchant | format */
    readonly reason: string
  ) {
    super(message)
  }
}

/** The channel answered with an error (or an unverifiable answer). */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retriable = false
  ) {
    super(message)
  }
}

export interface PaymentChannel {
  readonly kind: ChannelKind
  /** mchid / app_id / merId of this merchant account. */
  readonly merchantId: string

  createPayment(request: PaymentRequest): Promise<PaymentStart>
  query(outTradeNo: string): Promise<ChannelTrade>
  /** Closes an unpaid payment, then queries it: a payment that was paid meanwhile comes back 'paid'. */
  close(outTradeNo: string): Promise<ChannelTrade>
  refund(request: RefundRequest): Promise<ChannelRefund>
  queryRefund(outRefundNo: string, outTradeNo: string): Promise<ChannelRefund>
  /** Verifies (signature over the raw body, freshness, decryption) and reads a notification; throws NotificationRejected. */
  readNotification(incoming: IncomingNotification): Promise<ChannelEvent[]>
  acknowledge(accepted: boolean, message?: string): NotificationAck
  /** The merchant's bill of a Beijing day (yyyy-MM-dd), downloaded and verified; [] for a day without trades. */
  downloadBill(date: string): Promise<BillLine[]>
  /** A cheap signed call that proves the credentials work (e.g. query an unknown trade). */
  testConnection(): Promise<void>
}
