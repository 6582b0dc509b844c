/*
 * The sandbox's WeChat Pay API v3 (微信支付), under /wechatpay with the real paths: JSAPI, Native
 * and H5 orders, query and close by out_trade_no, refunds, the platform certificate list. Every
 * request must carry a valid merchant signature and every answer is signed, like WeChat's;
 * notifications are encrypted with the merchant's APIv3 key and retried on WeChat's schedule.
 */
import { randomUUID, X509Certificate } from 'node:crypto'
import { randomDigits } from '#core/random_text'
import { beijingTime } from '#payments/wechat_pay/beijing_time'
import type { SandboxRefund, SandboxTrade } from '#sandbox/ledger'
import type { NotificationFaults } from '#sandbox/notifier'
import type { GatewayFactory, SandboxRequest, SandboxResponse, SandboxRoute } from '#sandbox/sandbox_server'
import { createMerchant, openBooks, rotatePlatformKeys, signerFor, type SandboxMerchant, type WechatPayBooks } from '#sandbox/gateways/wechat_pay/keys'
import { authenticate, encryptResource, notificationMessage, signatureHeaders, type NotificationContent } from '#sandbox/gateways/wechat_pay/protocol'
import { wechatPayBillRoutes } from '#sandbox/gateways/wechat_pay/bill'

/** WeChat's notification retry intervals, seconds (15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h). */
const RETRY_SCHEDULE = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]
const TRADE_TYPES = { jsapi: 'JSAPI', native: 'NATIVE', h5: 'MWEB' } as const
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*@]{6,32}$/
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
const DEFAULT_EXPIRY_MS = 2 * 3600_000
const REFUND_STATUS: Record<SandboxRefund['state'], string> = { processing: 'PROCESSING', success: 'SUCCESS', abnormal: 'ABNORMAL', closed: 'CLOSED' }
const REFUND_EVENTS: Record<SandboxRefund['outcome'], [string, string]> = {
  success: ['REFUND.SUCCESS', '退款成功'],
  abnormal: ['REFUND.ABNORMAL', '退款异常'],
  closed: ['REFUND.CLOSED', '退款关闭'],
}

interface Reply {
  status: number
  body?: object
}

interface Call {
  books: WechatPayBooks
  merchant: SandboxMerchant
  body: any
  request: SandboxRequest
}

const ok = (body?: object): Reply => (body ? { status: 200, body } : { status: 204 })
const fail = (status: number, code: string, message: string): Reply => ({ status, body: { code, message } })

export const wechatPayGateway: GatewayFactory = (context) => {
  const { ledger, state } = context
  let opening: Promise<WechatPayBooks> | undefined
  const loadBooks = () => (opening ??= openBooks(state))

  /** A v3 API route: the merchant's signature checked first, the answer (errors too) signed. */
  function api(method: 'GET' | 'POST', path: string, handle: (call: Call) => Reply): SandboxRoute {
    return {
      method,
      path: `/wechatpay${path}`,
      async handle(request) {
        const books = await loadBooks()
        const merchant = authenticate(request, books.merchants)
        if (typeof merchant === 'string') return signed(books, undefined, fail(401, 'SIGN_ERROR', `签名错误：${merchant}`))
        let body: any
        try {
          body = request.rawBody ? JSON.parse(request.rawBody) : {}
        } catch {
          return signed(books, merchant, fail(400, 'PARAM_ERROR', '请求体不是合法的JSON'))
        }
        const named = body.mchid ?? request.query.get('mchid')
        if (named !== null && named !== undefined && named !== merchant.mchid) {
          return signed(books, merchant, fail(401, 'SIGN_ERROR', `签名错误：mchid ${named} 与签名商户号不一致`))
        }
        return signed(books, merchant, handle({ books, merchant, body, request }))
      },
    }
  }

  function signed(books: WechatPayBooks, merchant: SandboxMerchant | undefined, reply: Reply): SandboxResponse {
    const body = reply.body ? JSON.stringify(reply.body) : ''
    return {
      status: reply.status,
      headers: { ...(body && { 'Content-Type': 'application/json; charset=utf-8' }), 'Request-ID': randomUUID(), ...signatureHeaders(signerFor(books, merchant), body) },
      body,
    }
  }

  function placeOrder(tradeType: keyof typeof TRADE_TYPES): SandboxRoute {
    return api('POST', `/v3/pay/transactions/${tradeType}`, ({ merchant, body }) => {
      const missing = orderProblem(tradeType, body)
      if (missing) return fail(400, 'PARAM_ERROR', missing)
      if (body.appid !== merchant.appid) return fail(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配')
      const expiresAt = body.time_expire ? Date.parse(body.time_expire) : Date.now() + DEFAULT_EXPIRY_MS
      if (expiresAt < Date.now() + 60_000) return fail(400, 'PARAM_ERROR', 'time_expire 须晚于当前时间至少1分钟')

      const terms = { amount: body.amount.total, description: body.description, method: tradeType, appId: body.appid, payerId: body.payer?.openid }
      const trade = ledger.open({
        gateway: 'wechatpay',
        merchantId: merchant.mchid,
        outTradeNo: body.out_trade_no,
        tradeNo: transactionId(),
        notifyUrl: body.notify_url,
        expiresAt: new Date(expiresAt).toISOString(),
        ...terms,
      })
      if (Object.entries(terms).some(([field, value]) => trade[field as keyof typeof terms] !== value)) {
        return fail(400, 'INVALID_REQUEST', '201 商户订单号重复：同一订单号的参数不一致')
      }
      if (trade.state === 'paid') return fail(400, 'ORDERPAID', '该订单已支付')
      if (trade.state !== 'pending') return fail(400, 'ORDER_CLOSED', '该订单已关闭')
      // The prepay id carries the cashier token: /wechatpay/cashier/:prepayId opens that trade's cashier.
      const prepayId = `wx${trade.token}`
      if (tradeType === 'jsapi') return ok({ prepay_id: prepayId })
      if (tradeType === 'native') return ok({ code_url: context.cashierUrl(trade) })
      return ok({ h5_url: `${context.baseUrl}/wechatpay/cashier/${prepayId}` })
    })
  }

  const tradeOf = (merchant: SandboxMerchant, outTradeNo: string) => ledger.find('wechatpay', merchant.mchid, outTradeNo)

  function refundOf(books: WechatPayBooks, merchant: SandboxMerchant, outRefundNo: string) {
    const outTradeNo = books.refundIndex[`${merchant.mchid}:${outRefundNo}`]
    const trade = outTradeNo && tradeOf(merchant, outTradeNo)
    const refund = trade && ledger.findRefund(trade, outRefundNo)
    return trade && refund ? { trade, refund } : undefined
  }

  function createRefund({ books, merchant, body }: Call): Reply {
    const amount = body.amount ?? {}
    if (!OUT_REFUND_NO.test(body.out_refund_no ?? '')) return fail(400, 'PARAM_ERROR', 'out_refund_no 缺失或格式错误')
    if (![amount.refund, amount.total].every((fen) => Number.isInteger(fen) && fen > 0)) return fail(400, 'PARAM_ERROR', 'amount.refund / amount.total 须为正整数（分）')
    if (amount.currency !== undefined && amount.currency !== 'CNY') return fail(400, 'PARAM_ERROR', '仅支持 CNY')
    const trade = body.out_trade_no ? tradeOf(merchant, body.out_trade_no) : ledger.findByTradeNo('wechatpay', String(body.transaction_id))
    if (!trade || trade.merchantId !== merchant.mchid) return fail(404, 'RESOURCE_NOT_EXISTS', '订单不存在')
    if (trade.state !== 'paid') return fail(400, 'INVALID_REQUEST', '订单未支付，不能退款')
    if (amount.total !== trade.amount) return fail(400, 'PARAM_ERROR', '订单金额 amount.total 与原订单不一致')

    const earlier = refundOf(books, merchant, body.out_refund_no)
    if (earlier) {
      const same = earlier.trade.outTradeNo === trade.outTradeNo && earlier.refund.amount === amount.refund
      return same ? ok(refundAnswer(trade, earlier.refund)) : fail(400, 'INVALID_REQUEST', '退款单号重复：同一退款单号的参数不一致')
    }
    if (amount.refund > trade.amount - ledger.refunded(trade)) return fail(403, 'NOT_ENOUGH', '申请退款金额超过订单可退金额')
    // How this refund ends (success unless a fault says otherwise) is decided now; it completes after the processing time.
    const { refundOutcome } = context.takeFaults('wechatpay')
    const refund = ledger.addRefund(
      trade,
      { outRefundNo: body.out_refund_no, amount: amount.refund, reason: body.reason, notifyUrl: body.notify_url },
      { delayMs: context.refundDelayMs(), outcome: refundOutcome }
    )
    books.refundIndex[`${merchant.mchid}:${body.out_refund_no}`] = trade.outTradeNo
    state.changed()
    return ok(refundAnswer(trade, refund))
  }

  /** Sends a notification as WeChat does: signed for how the merchant verifies, retried until 200/204. */
  function notify(
    merchantId: string,
    url: string | undefined,
    subject: string,
    content: (alterAmount: number) => Omit<NotificationContent, 'id' | 'createTime'>,
    faults: NotificationFaults
  ) {
    if (!url) return
    const id = randomUUID()
    const createTime = beijingTime(new Date())
    void loadBooks().then((books) => {
      const merchant = books.merchants[merchantId]
      context.notifier.send({
        gateway: 'wechatpay',
        url,
        schedule: RETRY_SCHEDULE,
        subject,
        faults,
        build: (given) => notificationMessage({ id, createTime, ...content(given.alterAmount ?? 0) }, merchant, signerFor(books, merchant), given),
        accepted: (status) => status === 200 || status === 204,
      })
    })
  }

  return {
    name: 'wechatpay',
    title: '微信支付',

    routes() {
      return [
        placeOrder('jsapi'),
        placeOrder('native'),
        placeOrder('h5'),
        api('GET', '/v3/pay/transactions/out-trade-no/:outTradeNo', ({ merchant, request }) => {
          if (!request.query.get('mchid')) return fail(400, 'PARAM_ERROR', '缺少参数 mchid')
          const trade = tradeOf(merchant, request.params.outTradeNo)
          return trade ? ok(transactionResource(trade)) : fail(404, 'ORDER_NOT_EXIST', '订单不存在')
        }),
        api('POST', '/v3/pay/transactions/out-trade-no/:outTradeNo/close', ({ merchant, body, request }) => {
          if (!body.mchid) return fail(400, 'PARAM_ERROR', '缺少参数 mchid')
          const trade = tradeOf(merchant, request.params.outTradeNo)
          if (!trade) return fail(404, 'ORDER_NOT_EXIST', '订单不存在')
          if (trade.state === 'paid') return fail(400, 'ORDERPAID', '该订单已支付，不能关闭')
          ledger.close(trade)
          return ok()
        }),
        api('POST', '/v3/refund/domestic/refunds', createRefund),
        ...wechatPayBillRoutes({ context, api, books: loadBooks }),
        api('GET', '/v3/refund/domestic/refunds/:outRefundNo', ({ books, merchant, request }) => {
          const found = refundOf(books, merchant, request.params.outRefundNo)
          return found ? ok(refundAnswer(found.trade, found.refund)) : fail(404, 'RESOURCE_NOT_EXISTS', '退款单不存在')
        }),
        api('GET', '/v3/certificates', ({ books, merchant }) =>
          ok({
            data: books.platformCertificates.map(({ serialNo, certificate }) => {
              const { validFrom, validTo } = new X509Certificate(certificate)
              return {
                serial_no: serialNo,
                effective_time: beijingTime(new Date(validFrom)),
                expire_time: beijingTime(new Date(validTo)),
                encrypt_certificate: encryptResource(certificate, merchant.apiV3Key, 'certificate'),
              }
            }),
          })
        ),
        {
          method: 'GET',
          path: '/wechatpay/cashier/:prepayId',
          handle: ({ params, query }): SandboxResponse => {
            const trade = ledger.findByToken(params.prepayId.replace(/^wx/, ''))
            if (!trade) return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<h1>No such payment</h1>' }
            // H5: where WeChat sends the browser after paying, appended to h5_url by the merchant.
            const redirect = query.get('redirect_url')
            if (redirect && /^https?:\/\//.test(redirect)) {
              trade.returnUrl = redirect
              state.changed()
            }
            return { status: 302, headers: { location: context.cashierUrl(trade) } }
          },
        },
      ]
    },

    async registerMerchant(input) {
      const credentials = await createMerchant(await loadBooks(), input)
      state.changed()
      return { ...credentials } // a plain record: the credentials interface has no index signature
    },

    async rotateKeys() {
      await rotatePlatformKeys(await loadBooks())
      state.changed()
    },

    afterSettle(trade, outcome, faults) {
      if (outcome !== 'pay') return
      const paid = structuredClone(trade)
      const content = (alterAmount: number) => ({
        eventType: 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        originalType: 'transaction',
        resource: transactionResource(paid, alterAmount),
      })
      notify(trade.merchantId, trade.notifyUrl, `TRANSACTION.SUCCESS ${trade.outTradeNo}`, content, faults)
    },

    afterRefund(trade, refund, faults) {
      const [eventType, summary] = REFUND_EVENTS[refund.outcome]
      const content = (alterAmount: number) => ({
        eventType,
        summary,
        originalType: 'refund',
        resource: refundNotificationResource(trade, refund, alterAmount),
      })
      notify(trade.merchantId, refund.notifyUrl, `${eventType} ${refund.outRefundNo}`, content, faults)
    },
  }
}

/** What is missing or malformed in an order, WeChat's PARAM_ERROR. */
function orderProblem(tradeType: keyof typeof TRADE_TYPES, body: any): string | undefined {
  const text = (value: unknown, max: number) => typeof value === 'string' && value.length > 0 && value.length <= max
  if (!text(body.appid, 32)) return '缺少参数 appid'
  if (!text(body.description, 127)) return 'description 缺失或超过127字符'
  if (!OUT_TRADE_NO.test(body.out_trade_no ?? '')) return 'out_trade_no 须为6-32位字母、数字或_-|*@'
  if (!/^https?:\/\/\S+$/.test(body.notify_url ?? '')) return 'notify_url 缺失或不是URL'
  if (!Number.isInteger(body.amount?.total) || body.amount.total <= 0) return 'amount.total 须为正整数（分）'
  if (body.amount.currency !== undefined && body.amount.currency !== 'CNY') return 'amount.currency 仅支持 CNY'
  if (body.time_expire !== undefined && !(RFC3339.test(body.time_expire) && Date.parse(body.time_expire))) return 'time_expire 须为RFC 3339格式'
  if (tradeType === 'jsapi' && !text(body.payer?.openid, 128)) return 'JSAPI下单缺少 payer.openid'
  if (tradeType === 'h5' && !(text(body.scene_info?.payer_client_ip, 45) && text(body.scene_info?.h5_info?.type, 32))) {
    return 'H5下单缺少 scene_info.payer_client_ip 或 scene_info.h5_info.type'
  }
  return undefined
}

/** 微信支付订单号: 28 digits, 4200 + date + sequence. */
function transactionId() {
  const day = beijingTime(new Date()).slice(0, 10).replaceAll('-', '')
  return `4200${day}${randomDigits(16)}`
}

function tradeState(trade: SandboxTrade) {
  if (trade.state === 'paid') return trade.refunds.some((refund) => refund.state !== 'closed') ? 'REFUND' : 'SUCCESS'
  return { pending: 'NOTPAY', closed: 'CLOSED', failed: 'PAYERROR' }[trade.state]
}

/** A payment as the query answers and TRANSACTION.SUCCESS carries it; alterAmount forges the amount (a fault). */
function transactionResource(trade: SandboxTrade, alterAmount = 0) {
  const paid = trade.state === 'paid'
  const total = trade.amount + alterAmount
  return {
    appid: trade.appId,
    mchid: trade.merchantId,
    out_trade_no: trade.outTradeNo,
    transaction_id: paid ? trade.tradeNo : undefined,
    trade_type: TRADE_TYPES[trade.method as keyof typeof TRADE_TYPES],
    trade_state: tradeState(trade),
    trade_state_desc: { pending: '订单未支付', paid: '支付成功', closed: '订单已关闭', failed: '支付失败' }[trade.state],
    bank_type: paid ? 'OTHERS' : undefined,
    attach: '',
    success_time: paid && trade.paidAt ? beijingTime(new Date(trade.paidAt)) : undefined,
    payer: trade.payerId ? { openid: trade.payerId } : undefined,
    amount: { total, payer_total: paid ? total : undefined, currency: 'CNY', payer_currency: 'CNY' },
  }
}

/** A refund as the refund calls answer it. */
function refundAnswer(trade: SandboxTrade, refund: SandboxRefund) {
  return {
    refund_id: refund.refundNo,
    out_refund_no: refund.outRefundNo,
    transaction_id: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    success_time: refund.state === 'success' && refund.completedAt ? beijingTime(new Date(refund.completedAt)) : undefined,
    create_time: beijingTime(new Date(refund.createdAt)),
    status: REFUND_STATUS[refund.state],
    funds_account: 'AVAILABLE',
    amount: { total: trade.amount, refund: refund.amount, payer_total: trade.amount, payer_refund: refund.amount, settlement_total: trade.amount, settlement_refund: refund.amount, discount_refund: 0, currency: 'CNY' },
  }
}

/** A refund as REFUND.* notifications carry it; alterAmount forges the refunded amount (a fault). */
function refundNotificationResource(trade: SandboxTrade, refund: SandboxRefund, alterAmount: number) {
  const refunded = refund.amount + alterAmount
  return {
    mchid: trade.merchantId,
    out_trade_no: trade.outTradeNo,
    transaction_id: trade.tradeNo,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundNo,
    refund_status: REFUND_STATUS[refund.state],
    success_time: refund.state === 'success' && refund.completedAt ? beijingTime(new Date(refund.completedAt)) : undefined,
    user_received_account: '支付用户零钱',
    amount: { total: trade.amount, refund: refunded, payer_total: trade.amount, payer_refund: refunded },
  }
}
