/*
 * What the sandbox's Alipay sends back to the merchant: the asynchronous notification
 * (异步通知, a signed form POST to notify_url, retried until the body is "success") and the
 * synchronous return (同步返回, signed query parameters on return_url after paying).
 */
import { randomBytes } from 'node:crypto'
import type { SandboxContext } from '#sandbox/sandbox_server'
import type { SandboxTrade } from '#sandbox/ledger'
import type { NotificationFaults } from '#sandbox/notifier'
import { fenToYuan, toBeijingTime, yuanToFen } from '#payments/alipay/alipay_format'
import { signMessage } from '#sandbox/gateways/alipay/signing'
import { SANDBOX_BUYER, type AlipayBook } from '#sandbox/gateways/alipay/book'

/** 4m, 10m, 10m, 1h, 2h, 6h, 15h: Alipay's published retry intervals. */
const RETRY_SCHEDULE = [240, 600, 600, 3_600, 7_200, 21_600, 54_000]
/** staleTimestamp: notify_time this far in the past (beyond a 15-minute tolerance). */
const STALE_MS = 20 * 60_000

const beijing = (iso: string) => toBeijingTime(new Date(iso))

/** trade_status_sync for a trade; `extra` adds refund or close fields. Faults apply per attempt. */
export function notifyTrade(context: SandboxContext, book: AlipayBook, trade: SandboxTrade, tradeStatus: string, faults: NotificationFaults, extra: Record<string, string> = {}) {
  if (!trade.notifyUrl) return
  const app = book.apps[trade.merchantId]
  // notify_id stays the same across retries; notify_time is each attempt's.
  const fixed: Record<string, string> = {
    notify_type: 'trade_status_sync',
    notify_id: randomBytes(16).toString('hex'),
    app_id: app.appId,
    auth_app_id: app.appId,
    charset: 'utf-8',
    version: '1.0',
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    trade_status: tradeStatus,
    subject: trade.description,
    seller_id: app.sellerId,
    buyer_id: SANDBOX_BUYER.id,
    buyer_logon_id: SANDBOX_BUYER.logonId,
    gmt_create: beijing(trade.createdAt),
    ...(trade.paidAt ? { gmt_payment: beijing(trade.paidAt) } : {}),
    ...extra,
  }
  context.notifier.send({
    gateway: 'alipay',
    url: trade.notifyUrl,
    schedule: RETRY_SCHEDULE,
    faults,
    subject: `${tradeStatus} ${trade.outTradeNo}`,
    accepted: (status, body) => status === 200 && body === 'success',
    build(attemptFaults) {
      // alterAmount: a correctly signed message with another amount.
      const amount = fenToYuan(trade.amount + (attemptFaults.alterAmount ?? 0))
      const paidAmounts: Record<string, string> = trade.paidAt ? { receipt_amount: amount, buyer_pay_amount: amount, invoice_amount: amount } : {}
      const sentAt = new Date(Date.now() - (attemptFaults.staleTimestamp ? STALE_MS : 0))
      // The platform key is read per attempt: retries after a key rotation are signed with the new key.
      const params = signMessage({ ...fixed, ...paidAmounts, total_amount: amount, notify_time: toBeijingTime(sentAt) }, book.platform.privateKey)
      if (attemptFaults.badSignature) params.total_amount = fenToYuan(yuanToFen(params.total_amount) + 1)
      return { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(params).toString() }
    },
  })
}

/** The signed parameters Alipay appends to return_url after a browser payment. */
export function returnParams(book: AlipayBook, trade: SandboxTrade): Record<string, string> {
  const app = book.apps[trade.merchantId]
  return signMessage(
    {
      method: `alipay.trade.${trade.method}.pay.return`,
      app_id: app.appId,
      auth_app_id: app.appId,
      seller_id: app.sellerId,
      charset: 'utf-8',
      version: '1.0',
      timestamp: toBeijingTime(new Date()),
      out_trade_no: trade.outTradeNo,
      trade_no: trade.tradeNo,
      total_amount: fenToYuan(trade.amount),
    },
    book.platform.privateKey
  )
}
