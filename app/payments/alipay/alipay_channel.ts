/*
 * Alipay (支付宝) for one merchant app, over alipay-sdk v4 in public-key mode (公钥模式), RSA2.
 * `gateway` is the OpenAPI gateway.do (the real one or the sandbox's). Every call verifies the
 * response signature; notifications are form posts verified over their raw (decoded) values.
 * The SDK stamps requests with the process's local time, which must be Asia/Shanghai (set at boot).
 *
 * Alipay only creates a trade when the buyer opens the pay URL or scans the QR code: until then
 * query and close answer ACQ.TRADE_NOT_EXIST, and the pay URL / QR code stays usable until
 * time_expire, which we therefore always send.
 */
import { randomUUID } from 'node:crypto'
import { AlipayRequestError, AlipaySdk, type AlipaySdkCommonResult } from 'alipay-sdk'
import {
  ChannelError,
  NotificationRejected,
  type ChannelEvent,
  type ChannelRefund,
  type ChannelTrade,
  type PaymentChannel,
  type PaymentRequest,
  type PaymentStart,
  type RefundRequest,
  type TradeState,
} from '#payments/channel'
import type { AlipayCredentials } from '#payments/credentials'
import { fenToYuan, parseBeijingTime, toBeijingTime, yuanToFen } from '#payments/alipay/alipay_format'
import { downloadAlipayBill } from '#payments/alipay/bill'

const SUCCESS = '10000'
const TRADE_NOT_EXIST = 'ACQ.TRADE_NOT_EXIST'
/** Notifications carry notify_time (the time of this attempt); older or newer than this is refused. */
const NOTIFY_TIME_TOLERANCE_MS = 15 * 60_000

/** Per payment method: the API and its product code (销售产品码). */
const PRODUCTS: Record<string, { api: string; productCode: string }> = {
  wap: { api: 'alipay.trade.wap.pay', productCode: 'QUICK_WAP_WAY' },
  page: { api: 'alipay.trade.page.pay', productCode: 'FAST_INSTANT_TRADE_PAY' },
  precreate: { api: 'alipay.trade.precreate', productCode: 'FACE_TO_FACE_PAYMENT' },
}

const TRADE_STATES: Record<string, TradeState> = {
  WAIT_BUYER_PAY: 'pending',
  TRADE_SUCCESS: 'paid',
  /** 交易完结: paid and no longer refundable. */
  TRADE_FINISHED: 'paid',
  /** Closed unpaid (timeout, close) or fully refunded. */
  TRADE_CLOSED: 'closed',
}

/** A business failure (code ≠ 10000) as a ChannelError; 20000 and ACQ.SYSTEM_ERROR are worth retrying. */
function failure(result: AlipaySdkCommonResult): ChannelError {
  const retriable = result.code === '20000' || result.sub_code === 'ACQ.SYSTEM_ERROR'
  return new ChannelError(`Alipay: ${result.sub_msg ?? result.msg}`, result.sub_code ?? result.code, retriable)
}

export function createAlipayChannel(credentials: AlipayCredentials, options: { gateway: string; endpoint: string }): PaymentChannel {
  const privateKey = credentials.privateKey.trim()
  const sdk = new AlipaySdk({
    appId: credentials.appId,
    privateKey,
    // The SDK re-wraps the key under the header of keyType: it must match the PEM we were given.
    keyType: privateKey.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8',
    alipayPublicKey: credentials.alipayPublicKey.trim(),
    signType: 'RSA2',
    gateway: options.gateway,
    endpoint: options.endpoint,
    // Keep Alipay's own field names (out_trade_no, trade_status...).
    camelcase: false,
  })

  /** One signed call; transport errors and unverifiable answers become ChannelErrors, business answers are returned. */
  async function exec(api: string, bizContent: Record<string, unknown>, publicParams: Record<string, string> = {}) {
    try {
      return await sdk.exec(api, { ...publicParams, bizContent }, { validateSign: true })
    } catch (error: any) {
      if (error instanceof AlipayRequestError) {
        if (error.message.includes('验签失败')) throw new ChannelError('Alipay: the response signature does not verify', 'INVALID_RESPONSE_SIGNATURE')
        throw new ChannelError(`Alipay unreachable or answered badly: ${error.message}`, 'ALIPAY_UNAVAILABLE', true)
      }
      // e.g. an unsigned response, or a private key the SDK cannot use.
      throw new ChannelError(`Alipay call failed: ${error?.message ?? error}`, 'ALIPAY_CLIENT_ERROR')
    }
  }

  function tradeFromQuery(outTradeNo: string, result: AlipaySdkCommonResult): ChannelTrade {
    const state = TRADE_STATES[result.trade_status]
    if (!state) throw new ChannelError(`Alipay: unknown trade_status ${result.trade_status}`, 'UNKNOWN_TRADE_STATUS')
    const paidAt = parseBeijingTime(result.send_pay_date)
    return {
      outTradeNo,
      state,
      amount: yuanToFen(result.total_amount),
      currency: 'CNY',
      channelTradeNo: result.trade_no,
      paidAt,
      // A closed trade with a payment date was paid, then fully refunded.
      closedAfterPayment: state === 'closed' ? Boolean(paidAt) : undefined,
    }
  }

  async function query(outTradeNo: string): Promise<ChannelTrade> {
    const result = await exec('alipay.trade.query', { out_trade_no: outTradeNo })
    if (result.sub_code === TRADE_NOT_EXIST) return { outTradeNo, state: 'not_found' }
    if (result.code !== SUCCESS) throw failure(result)
    return tradeFromQuery(outTradeNo, result)
  }

  async function queryRefund(outRefundNo: string, outTradeNo: string): Promise<ChannelRefund> {
    const result = await exec('alipay.trade.fastpay.refund.query', {
      out_trade_no: outTradeNo,
      out_request_no: outRefundNo,
      query_options: ['gmt_refund_pay'],
    })
    if (result.sub_code === TRADE_NOT_EXIST) return { outTradeNo, outRefundNo, state: 'not_found' }
    if (result.code !== SUCCESS) throw failure(result)
    // A refund request Alipay never accepted comes back as a bare success without refund fields.
    if (!result.refund_amount) return { outTradeNo, outRefundNo, state: 'not_found' }
    return {
      outTradeNo,
      outRefundNo,
      state: result.refund_status === 'REFUND_SUCCESS' ? 'succeeded' : 'processing',
      amount: yuanToFen(result.refund_amount),
      completedAt: parseBeijingTime(result.gmt_refund_pay),
    }
  }

  return {
    kind: 'alipay',
    merchantId: credentials.appId,

    async createPayment(request: PaymentRequest): Promise<PaymentStart> {
      const product = PRODUCTS[request.method]
      if (!product) throw new ChannelError(`Alipay has no payment method ${request.method}`, 'UNSUPPORTED_METHOD')
      const bizContent = {
        out_trade_no: request.outTradeNo,
        total_amount: fenToYuan(request.amount),
        subject: request.description,
        product_code: product.productCode,
        time_expire: toBeijingTime(request.expiresAt),
      }
      const publicParams: Record<string, string> = { notifyUrl: request.notifyUrl }
      if (request.returnUrl) publicParams.returnUrl = request.returnUrl

      if (request.method !== 'precreate') {
        // A signed GET URL to gateway.do, built locally: Alipay creates the trade when the browser opens it.
        return { kind: 'redirect', url: sdk.pageExecute(product.api, 'GET', { ...publicParams, bizContent }) }
      }
      const result = await exec(product.api, bizContent, publicParams)
      if (result.code !== SUCCESS) throw failure(result)
      return { kind: 'qr', url: result.qr_code }
    },

    query,

    async close(outTradeNo: string): Promise<ChannelTrade> {
      const result = await exec('alipay.trade.close', { out_trade_no: outTradeNo })
      // Never opened or scanned: there is nothing to close. The pay URL / QR code still works until
      // time_expire, so a payment may yet arrive (its notification must then be refunded).
      if (result.sub_code === TRADE_NOT_EXIST) return { outTradeNo, state: 'not_found' }
      // ACQ.TRADE_STATUS_ERROR: already paid (or closed); the query tells which.
      if (result.code !== SUCCESS && result.sub_code !== 'ACQ.TRADE_STATUS_ERROR') throw failure(result)
      return query(outTradeNo)
    },

    // Alipay has no refund notify_url: refund notifications go to the payment's notify_url.
    async refund(request: RefundRequest): Promise<ChannelRefund> {
      const result = await exec('alipay.trade.refund', {
        out_trade_no: request.outTradeNo,
        out_request_no: request.outRefundNo,
        refund_amount: fenToYuan(request.amount),
        refund_reason: request.reason,
      })
      if (result.code !== SUCCESS) throw failure(result)
      // fund_change N: no money moved by this call (e.g. the same out_request_no again): ask how it stands.
      if (result.fund_change !== 'Y') return queryRefund(request.outRefundNo, request.outTradeNo)
      return {
        outTradeNo: request.outTradeNo,
        outRefundNo: request.outRefundNo,
        state: 'succeeded',
        amount: request.amount,
        completedAt: parseBeijingTime(result.gmt_refund_pay),
      }
    },

    queryRefund,

    async readNotification(incoming): Promise<ChannelEvent[]> {
      // Raw decoded strings, exactly what Alipay signed (checkNotifySignV2 does not decode again).
      const params = Object.fromEntries(new URLSearchParams(incoming.rawBody))
      if (!params.sign || !params.out_trade_no || !params.trade_status) throw new NotificationRejected('Not an Alipay trade notification', 'format')
      if ((params.sign_type ?? 'RSA2') !== 'RSA2' || !sdk.checkNotifySignV2(params)) throw new NotificationRejected('Alipay notification signature does not verify', 'signature')
      if (params.app_id !== credentials.appId) throw new NotificationRejected(`Alipay notification for app ${params.app_id}`, 'merchant')
      const sentAt = parseBeijingTime(params.notify_time)
      if (!sentAt) throw new NotificationRejected('Alipay notification without a valid notify_time', 'format')
      if (Math.abs(Date.now() - sentAt.getTime()) > NOTIFY_TIME_TOLERANCE_MS) throw new NotificationRejected('Alipay notification is stale', 'timestamp')

      const state = TRADE_STATES[params.trade_status]
      if (!state) throw new NotificationRejected(`Unknown trade_status ${params.trade_status}`, 'format')
      let amount: number
      let refundedAmount: number | undefined
      try {
        amount = yuanToFen(params.total_amount)
        refundedAmount = params.refund_fee ? yuanToFen(params.refund_fee) : undefined
      } catch {
        throw new NotificationRejected('Alipay notification with a malformed amount', 'format')
      }
      const trade: ChannelTrade = {
        outTradeNo: params.out_trade_no,
        state,
        amount,
        currency: 'CNY',
        merchantId: params.app_id,
        channelTradeNo: params.trade_no,
        paidAt: parseBeijingTime(params.gmt_payment),
        // Partial refunds arrive as TRADE_SUCCESS with refund_fee (the total refunded so far).
        refundedAmount,
      }
      // Both an unpaid timeout and a full refund arrive as TRADE_CLOSED: only refund fields tell them apart.
      if (state === 'closed') trade.closedAfterPayment = Boolean(params.refund_fee || params.gmt_refund)
      return [{ type: 'payment', trade }]
    },

    // Alipay retries until the body is the literal "success".
    acknowledge(accepted: boolean) {
      return { status: 200, contentType: 'text/plain; charset=utf-8', body: accepted ? 'success' : 'fail' }
    },

    downloadBill: (date: string) => downloadAlipayBill(exec, date),

    async testConnection() {
      const probe = await query(`probe-${randomUUID().replaceAll('-', '')}`)
      if (probe.state !== 'not_found') throw new ChannelError('Alipay knows a trade it should not', 'UNEXPECTED_PROBE_RESULT')
    },
  }
}
