/*
 * The sandbox's Alipay OpenAPI gateway (gateway.do): the public parameters and their checks, and
 * the trade APIs. Answers use Alipay's codes: 10000 Success, 40001 Missing Required Arguments,
 * 40002 Invalid Arguments (isv.*), 40004 Business Failed (ACQ.*).
 */
import { randomBytes } from 'node:crypto'
import type { SandboxContext, SandboxRequest } from '#sandbox/sandbox_server'
import type { SandboxTrade } from '#sandbox/ledger'
import type { NotificationFaults } from '#sandbox/notifier'
import { fenToYuan, parseBeijingTime, toBeijingTime, yuanToFen } from '#payments/alipay/alipay_format'
import { rsa2Verify, signContent } from '#sandbox/gateways/alipay/signing'
import { randomDigits } from '#core/random_text'
import { SANDBOX_BUYER, tradeStatus, type AlipayApp, type AlipayBook, type AlipayOrder } from '#sandbox/gateways/alipay/book'

/** How far a request's timestamp may be from the gateway's clock. */
const TIMESTAMP_TOLERANCE_MS = 15 * 60_000
/** Without time_expire, Alipay keeps an unpaid trade open 15 days. */
const DEFAULT_EXPIRY_MS = 15 * 24 * 3_600_000
/** 100,000,000 yuan: Alipay's ceiling for one trade. */
const MAX_AMOUNT_FEN = 100_000_000 * 100

/** A failed call: its answer body. */
export class AlipayFailure extends Error {
  constructor(readonly body: Record<string, string>) {
    super(body.sub_msg)
  }
}

const missing = (subCode: string, subMsg: string) => new AlipayFailure({ code: '40001', msg: 'Missing Required Arguments', sub_code: subCode, sub_msg: subMsg })
const invalid = (subCode: string, subMsg: string) => new AlipayFailure({ code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg })
const business = (subCode: string, subMsg: string) => new AlipayFailure({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg })

/** The pay APIs whose signed URL (or form) the buyer's browser brings to gateway.do, and their product codes. */
export const PAGE_PAY: Record<string, { method: 'wap' | 'page'; productCode: string }> = {
  'alipay.trade.wap.pay': { method: 'wap', productCode: 'QUICK_WAP_WAY' },
  'alipay.trade.page.pay': { method: 'page', productCode: 'FAST_INSTANT_TRADE_PAY' },
}

/** alipay-sdk puts the public parameters in the query string and biz_content in the form body; browsers send either. */
export function readParams(request: SandboxRequest): Record<string, string> {
  const params = Object.fromEntries(request.query)
  if (request.headers['content-type']?.includes('application/x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(request.rawBody)))
  return params
}

/** The app the request is from, once its public parameters and signature check out. */
export function verifyRequest(book: AlipayBook, params: Record<string, string>): AlipayApp {
  if (!params.app_id) throw missing('isv.missing-app-id', '缺少AppID参数')
  const app = book.apps[params.app_id]
  if (!app) throw invalid('isv.invalid-app-id', '无效的AppID参数')
  if (!params.sign) throw missing('isv.missing-signature', '缺少签名参数')
  if (params.sign_type !== 'RSA2') throw invalid('isv.invalid-signature-type', '无效的签名类型参数 (the sandbox takes RSA2 only)')
  if (params.charset?.toLowerCase() !== 'utf-8') throw invalid('isv.invalid-charset', '字符集错误 (the sandbox takes utf-8 only)')
  const sentAt = parseBeijingTime(params.timestamp)
  if (!sentAt || Math.abs(Date.now() - sentAt.getTime()) > TIMESTAMP_TOLERANCE_MS) {
    throw invalid('isv.invalid-timestamp', '非法的时间戳参数: yyyy-MM-dd HH:mm:ss, Beijing time, within 15 minutes')
  }
  const content = signContent(params, ['sign'])
  if (!rsa2Verify(content, params.sign, app.publicKey)) {
    throw invalid('isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content}`)
  }
  return app
}

export function readBizContent(params: Record<string, string>): Record<string, unknown> {
  try {
    const biz = JSON.parse(params.biz_content ?? '{}')
    if (biz && typeof biz === 'object' && !Array.isArray(biz)) return biz
  } catch {}
  throw business('ACQ.INVALID_PARAMETER', '参数无效: biz_content is not a JSON object')
}

const text = (biz: Record<string, unknown>, name: string) => (typeof biz[name] === 'string' && biz[name] !== '' ? (biz[name] as string) : undefined)

function amountField(biz: Record<string, unknown>, name: string): number {
  try {
    const fen = yuanToFen(text(biz, name) ?? '')
    if (fen >= 1 && fen <= MAX_AMOUNT_FEN) return fen
  } catch {}
  throw business('ACQ.INVALID_PARAMETER', `参数无效: ${name}`)
}

/** The order a pay request describes. */
export function readOrder(app: AlipayApp, params: Record<string, string>, biz: Record<string, unknown>, method: AlipayOrder['method'], productCode: string): AlipayOrder {
  const outTradeNo = text(biz, 'out_trade_no')
  const subject = text(biz, 'subject')
  if (!outTradeNo || outTradeNo.length > 64 || !subject) throw missing('isv.missing-parameter', '缺少必选参数: out_trade_no, subject')
  if (biz.product_code !== undefined && biz.product_code !== productCode) throw business('ACQ.INVALID_PARAMETER', `参数无效: product_code must be ${productCode}`)
  const expiry = text(biz, 'time_expire')
  const expiresAt = expiry ? parseBeijingTime(expiry) : new Date(Date.now() + DEFAULT_EXPIRY_MS)
  if (!expiresAt) throw business('ACQ.INVALID_PARAMETER', '参数无效: time_expire')
  return {
    appId: app.appId,
    outTradeNo,
    amount: amountField(biz, 'total_amount'),
    subject,
    method,
    expiresAt: expiresAt.toISOString(),
    notifyUrl: params.notify_url || undefined,
    // Only a browser comes back: the precreate buyer pays inside the Alipay app.
    returnUrl: method === 'precreate' ? undefined : params.return_url || undefined,
  }
}

/** Alipay's trade_no: date + 2200 + 16 digits (28 in all). */
const newTradeNo = () => `${toBeijingTime(new Date()).slice(0, 10).replaceAll('-', '')}2200${randomDigits(16)}`

/** The buyer opened the pay URL or scanned the QR code: now Alipay has the trade. */
export function openTrade(context: SandboxContext, order: AlipayOrder): SandboxTrade {
  const existing = context.ledger.find('alipay', order.appId, order.outTradeNo)
  if (existing && (existing.amount !== order.amount || existing.description !== order.subject)) throw business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改')
  return context.ledger.open({
    gateway: 'alipay',
    merchantId: order.appId,
    appId: order.appId,
    outTradeNo: order.outTradeNo,
    tradeNo: newTradeNo(),
    amount: order.amount,
    description: order.subject,
    method: order.method,
    notifyUrl: order.notifyUrl,
    returnUrl: order.returnUrl,
    expiresAt: order.expiresAt,
  })
}

export interface ApiCall {
  context: SandboxContext
  book: AlipayBook
  app: AlipayApp
  params: Record<string, string>
  biz: Record<string, unknown>
  /** Faults taken when a refund is made, for its notification (sent later, by afterRefund). */
  refundFaults: Map<string, NotificationFaults>
}

function findTrade({ context, app, biz }: ApiCall): SandboxTrade {
  const outTradeNo = text(biz, 'out_trade_no')
  const tradeNo = text(biz, 'trade_no')
  if (!outTradeNo && !tradeNo) throw missing('isv.missing-parameter', '缺少必选参数: out_trade_no 或 trade_no')
  const trade = outTradeNo ? context.ledger.find('alipay', app.appId, outTradeNo) : context.ledger.findByTradeNo('alipay', tradeNo!)
  if (!trade || trade.merchantId !== app.appId) throw business('ACQ.TRADE_NOT_EXIST', '交易不存在')
  return trade
}

const beijing = (iso: string) => toBeijingTime(new Date(iso))

/** The trade APIs served as JSON; each returns the fields after code and msg. */
export const TRADE_APIS: Record<string, (call: ApiCall) => Record<string, unknown>> = {
  'alipay.trade.precreate'({ context, book, app, params, biz }) {
    const order = readOrder(app, params, biz, 'precreate', 'FACE_TO_FACE_PAYMENT')
    const scanned = context.ledger.find('alipay', app.appId, order.outTradeNo)
    if (scanned?.state === 'paid') throw business('ACQ.TRADE_HAS_SUCCESS', '交易已被支付')
    if (scanned?.state === 'closed') throw business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭')
    // Precreating the same out_trade_no again (with new terms, before a scan) keeps its QR code.
    const token =
      Object.keys(book.preorders).find((candidate) => book.preorders[candidate].appId === app.appId && book.preorders[candidate].outTradeNo === order.outTradeNo) ??
      randomBytes(16).toString('hex')
    book.preorders[token] = order
    context.state.changed()
    return { out_trade_no: order.outTradeNo, qr_code: `${context.baseUrl}/alipay/qr/${token}` }
  },

  'alipay.trade.query'(call) {
    const trade = findTrade(call)
    const paid = trade.paidAt ? fenToYuan(trade.amount) : '0.00'
    return {
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      buyer_logon_id: SANDBOX_BUYER.logonId,
      buyer_user_id: SANDBOX_BUYER.id,
      trade_status: tradeStatus(call.context.ledger, trade),
      total_amount: fenToYuan(trade.amount),
      buyer_pay_amount: paid,
      receipt_amount: paid,
      invoice_amount: paid,
      point_amount: '0.00',
      send_pay_date: trade.paidAt && beijing(trade.paidAt),
    }
  },

  'alipay.trade.close'(call) {
    const trade = findTrade(call)
    if (trade.state !== 'pending') throw business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
    call.context.ledger.close(trade)
    return { trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo }
  },

  // Synchronous at Alipay: the money is back (or not) when this answers.
  'alipay.trade.refund'(call) {
    const { context, biz } = call
    const trade = findTrade(call)
    if (trade.state !== 'paid') throw business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
    // Without out_request_no the refund is identified by the trade itself (one full refund).
    const outRefundNo = text(biz, 'out_request_no') ?? trade.outTradeNo
    const answer = (fundChange: 'Y' | 'N', refundedAt?: string) => ({
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      buyer_logon_id: SANDBOX_BUYER.logonId,
      buyer_user_id: SANDBOX_BUYER.id,
      fund_change: fundChange,
      refund_fee: fenToYuan(context.ledger.refunded(trade)),
      gmt_refund_pay: refundedAt && beijing(refundedAt),
    })
    const earlier = context.ledger.findRefund(trade, outRefundNo)
    if (earlier) return answer('N', earlier.completedAt)

    const amount = amountField(biz, 'refund_amount')
    if (amount > trade.amount - context.ledger.refunded(trade)) throw business('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限')
    const faults = context.takeFaults('alipay')
    if (faults.refundOutcome && faults.refundOutcome !== 'success') throw business('ACQ.SELLER_BALANCE_NOT_ENOUGH', '卖家余额不足')
    const refund = context.ledger.addRefund(trade, { outRefundNo, amount, reason: text(biz, 'refund_reason') }, { delayMs: 0 })
    call.refundFaults.set(refund.refundNo, faults)
    return answer('Y', refund.completedAt)
  },

  'alipay.trade.fastpay.refund.query'(call) {
    const trade = findTrade(call)
    const outRequestNo = text(call.biz, 'out_request_no') ?? trade.outTradeNo
    const refund = call.context.ledger.findRefund(trade, outRequestNo)
    // Unknown refund requests get a bare success.
    if (!refund) return { trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo }
    const options = Array.isArray(call.biz.query_options) ? call.biz.query_options : []
    const succeeded = refund.state === 'success'
    return {
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      out_request_no: refund.outRefundNo,
      total_amount: fenToYuan(trade.amount),
      refund_amount: fenToYuan(refund.amount),
      refund_status: succeeded ? 'REFUND_SUCCESS' : undefined,
      gmt_refund_pay: succeeded && options.includes('gmt_refund_pay') ? beijing(refund.completedAt!) : undefined,
    }
  },
}
