/*
 * The sandbox's UnionPay gateway (银联全渠道 网关支付, ACP 5.1.0, signMethod 01), under /unionpay
 * with the real gateway's paths:
 *   POST /gateway/api/frontTransReq.do   the browser's signed form (消费): opens the trade, 302 to the cashier
 *   POST /gateway/api/backTransReq.do    退货 (txnType 04)
 *   POST /gateway/api/queryTrans.do      交易状态查询, of payments and refunds alike
 * Merchant requests are verified with the merchant certificate registered here (found by certId).
 * Answers and notifications are signed by "UnionPay"'s signing certificate, issued by the
 * sandbox's own root → middle chain (made on first start, kept in the sandbox state) and carried
 * in signPubKeyCert; rotating keys issues a new signing certificate from the same middle, so
 * merchants keep verifying.
 * Answer codes are UnionPay's; the sandbox's choices where the real gateway's are not known:
 * 36 (与原交易信息不符) for a refund above what is left, 01 / 60 for refunds that fail, and an
 * hour's payTimeout when the request has none.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto'
import { randomDigits } from '#core/random_text'
import type { GatewayFactory, SandboxResponse } from '#sandbox/sandbox_server'
import type { SandboxRefund, SandboxTrade } from '#sandbox/ledger'
import type { NotificationFaults } from '#sandbox/notifier'
import { escapeHtml } from '#core/html'
import type { UnionPayCredentials } from '#payments/credentials'
import { ACP_VERSION, UNIONPAY_COMPANY, beijingTime, certIdOf, parseBeijingTime, signatureMatches, signFields, type AcpFields } from '#payments/unionpay/acp_client'
import { issueCertificate, type IssuedCertificate } from '#sandbox/gateways/unionpay/pki'
import { FILE_TRANSFER_FIELDS, fileTransferAnswer } from '#sandbox/gateways/unionpay/bill'

interface Authority {
  root: IssuedCertificate
  middle: IssuedCertificate
  /** "UnionPay"'s signing certificate: signs every answer and notification. */
  signing: IssuedCertificate
}

interface UnionPayState {
  authority?: Authority
  /** Merchant signing certificates by certId. */
  certificates: Record<string, { merId: string; certificate: string }>
  /** Refund orders by `${merId}:${orderId}` (the ledger keeps refunds under their payment). */
  refunds: Record<string, { outTradeNo: string; txnTime: string }>
}

const CA_NAME = 'C=CN, O=China Financial Certification Authority (sandbox)'
const ENTERPRISE_NAME = 'C=cn, O=CFCA OCA1 (sandbox), OU=Local RA OCA1, OU=Enterprises'
/** CFCA common names read 041@<id>@<holder>@<sequence>; UnionPay's names the company third. */
const SIGNING_SUBJECT = `${ENTERPRISE_NAME}, CN=041@Z12SANDBOX:SIGN@${UNIONPAY_COMPANY}@00000001`
const merchantSubject = (merId: string) => `${ENTERPRISE_NAME}, CN=041@Z12${merId}@Sandbox merchant ${merId}@00000001`

const CODES = {
  success: ['00', '成功[0000000]'],
  failed: ['01', '交易失败。详情请咨询95516'],
  accepted: ['05', '交易已受理，请稍后查询交易结果'],
  format: ['10', '报文格式错误'],
  signature: ['11', '验证签名失败'],
  duplicate: ['12', '重复交易'],
  missing: ['13', '报文交易要素缺失'],
  notAllowed: ['32', '无此交易权限'],
  notFound: ['34', '查无此交易'],
  original: ['35', '原交易不存在或状态不正确'],
  mismatch: ['36', '与原交易信息不符'],
  issuer: ['60', '交易失败，详情请咨询您的发卡行'],
} as const
type Code = keyof typeof CODES

const TRADE_CODES: Record<SandboxTrade['state'], Code> = { paid: 'success', pending: 'accepted', closed: 'failed', failed: 'failed' }
const REFUND_CODES: Record<SandboxRefund['state'], Code> = { success: 'success', processing: 'accepted', closed: 'failed', abnormal: 'issuer' }

const COMMON_FIELDS = ['version', 'encoding', 'certId', 'signature', 'signMethod', 'txnType', 'txnSubType', 'bizType', 'accessType', 'merId', 'orderId', 'txnTime']
const FRONT_FIELDS = [...COMMON_FIELDS, 'channelType', 'txnAmt', 'currencyCode', 'frontUrl', 'backUrl']
const REFUND_FIELDS = [...COMMON_FIELDS, 'channelType', 'txnAmt', 'origQryId', 'backUrl']
/** What an answer repeats from its request. */
const ECHOED_FIELDS = ['bizType', 'txnTime', 'txnType', 'txnSubType', 'accessType', 'merId', 'orderId']

/** UnionPay retries a refused notification several times at growing intervals (seconds). */
const RETRY_SECONDS = [60, 120, 240, 480, 960]
const DEFAULT_PAY_TIMEOUT_MS = 3600_000
const CNY = '156'

class Refusal extends Error {
  constructor(readonly code: Code) {
    super(CODES[code][1])
  }
}

const orderKey = (merId: string, orderId: string) => `${merId}:${orderId}`
const html = (status: number, body: string): SandboxResponse => ({ status, headers: { 'content-type': 'text/html; charset=utf-8' }, body })

function errorPage(code: Code): SandboxResponse {
  const [respCode, respMsg] = CODES[code]
  return html(200, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>银联在线支付 · 交易失败</title></head><body><h1>交易失败</h1><p>应答码 ${respCode}：${escapeHtml(respMsg)}</p></body></html>`)
}

/** The front notification: the browser posts the signed result to frontUrl, as the real gateway's page does. */
function autoSubmit(action: string, fields: AcpFields): SandboxResponse {
  const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
  return html(
    200,
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>银联在线支付 · 返回商户</title></head><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(action)}">${inputs.join('')}<noscript><button>返回商户 Back to the shop</button></noscript></form></body></html>`
  )
}

/** When and how it was settled (清算): the trace and settlement fields of a successful order. */
function settlement(amount: number, at: string | undefined, queryId: string): AcpFields {
  const time = beijingTime(at ? new Date(at) : new Date())
  return { traceNo: queryId.slice(-6), traceTime: time.slice(4), settleDate: time.slice(4, 8), settleAmt: String(amount), settleCurrencyCode: CNY }
}

export const unionPayGateway: GatewayFactory = (context) => {
  const data = context.state.section<UnionPayState>('unionpay', () => ({ certificates: {}, refunds: {} }))
  let authorityMade: Promise<Authority> | undefined
  let signer: { certificate: string; certId: string; key: KeyObject } | undefined

  async function makeAuthority(): Promise<Authority> {
    const root = await issueCertificate({ subject: `${CA_NAME}, CN=CFCA Sandbox Root`, usage: 'ca' })
    const middle = await issueCertificate({ subject: `${CA_NAME}, CN=CFCA Sandbox OCA1`, issuer: root, usage: 'ca' })
    data.authority = { root, middle, signing: await issueCertificate({ subject: SIGNING_SUBJECT, issuer: middle, usage: 'sign' }) }
    context.state.changed()
    return data.authority
  }

  /** The chain, made on first use (every route awaits it before anything is signed). */
  function authority(): Promise<Authority> {
    authorityMade ??= data.authority ? Promise.resolve(data.authority) : makeAuthority()
    return authorityMade
  }

  function signed(fields: AcpFields): AcpFields {
    const { signing } = data.authority!
    if (signer?.certificate !== signing.certificate) {
      signer = { certificate: signing.certificate, certId: certIdOf(signing.certificate), key: createPrivateKey(signing.privateKey) }
    }
    const message = { ...fields, version: ACP_VERSION, encoding: 'UTF-8', signMethod: '01', certId: signer.certId, signPubKeyCert: signer.certificate }
    return { ...message, signature: signFields(message, signer.key) }
  }

  /** A signed synchronous answer: raw `k=v&k=v`, as the real gateway writes it. */
  function answer(request: AcpFields, code: Code, details: AcpFields = {}): SandboxResponse {
    const echoed = Object.fromEntries(ECHOED_FIELDS.filter((name) => request[name]).map((name) => [name, request[name]]))
    const [respCode, respMsg] = CODES[code]
    const fields = signed({ ...echoed, ...details, respCode, respMsg })
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Object.entries(fields).map(([name, value]) => `${name}=${value}`).join('&') }
  }

  /** A merchant request: complete, well-formed and signed with a certificate of that merchant. */
  function check(request: AcpFields, required: string[]) {
    if (required.some((name) => !request[name])) throw new Refusal('missing')
    const wellFormed =
      request.version === ACP_VERSION &&
      request.signMethod === '01' &&
      request.encoding.toUpperCase() === 'UTF-8' &&
      // A file transfer (txnType 76) names no order.
      (request.orderId === undefined || /^[0-9A-Za-z]{8,40}$/.test(request.orderId)) &&
      parseBeijingTime(request.txnTime) &&
      (request.txnAmt === undefined || /^[1-9]\d{0,11}$/.test(request.txnAmt)) &&
      (request.channelType === undefined || ['07', '08'].includes(request.channelType))
    if (!wellFormed) throw new Refusal('format')
    const merchant = data.certificates[request.certId]
    if (!merchant || merchant.merId !== request.merId || !signatureMatches(request, new X509Certificate(merchant.certificate).publicKey)) throw new Refusal('signature')
  }

  async function serve(rawBody: string, required: string[], handle: (request: AcpFields) => SandboxResponse, refuse: (request: AcpFields, code: Code) => SandboxResponse) {
    await authority()
    const request = Object.fromEntries(new URLSearchParams(rawBody))
    try {
      check(request, required)
      return handle(request)
    } catch (error) {
      if (error instanceof Refusal) return refuse(request, error.code)
      throw error
    }
  }

  function requireKind(request: AcpFields, txnType: string, txnSubType: string) {
    if (request.txnType !== txnType || request.txnSubType !== txnSubType) throw new Refusal('notAllowed')
  }

  function orderTaken(merId: string, orderId: string) {
    return Boolean(context.ledger.find('unionpay', merId, orderId) || data.refunds[orderKey(merId, orderId)])
  }

  /** What UnionPay says about a payment (query answer or notification): its result and details. */
  function paymentResult(trade: SandboxTrade): { code: Code; details: AcpFields } {
    const paid = trade.state === 'paid'
    return {
      code: TRADE_CODES[trade.state],
      details: {
        orderId: trade.outTradeNo,
        txnTime: String(trade.extra.txnTime),
        queryId: trade.tradeNo,
        txnAmt: String(trade.amount),
        currencyCode: CNY,
        ...(paid ? settlement(trade.amount, trade.paidAt, trade.tradeNo) : {}),
      },
    }
  }

  function refundResult(trade: SandboxTrade, refund: SandboxRefund): { code: Code; details: AcpFields } {
    return {
      code: REFUND_CODES[refund.state],
      details: {
        orderId: refund.outRefundNo,
        txnTime: data.refunds[orderKey(trade.merchantId, refund.outRefundNo)].txnTime,
        queryId: refund.refundNo,
        origQryId: trade.tradeNo,
        txnAmt: String(refund.amount),
        currencyCode: CNY,
        ...(refund.state === 'success' ? settlement(refund.amount, refund.completedAt, refund.refundNo) : {}),
      },
    }
  }

  function notification(trade: SandboxTrade, kind: { txnType: string; txnSubType: string }, result: { code: Code; details: AcpFields }): AcpFields {
    const [respCode, respMsg] = CODES[result.code]
    return { accessType: '0', bizType: '000201', merId: trade.merchantId, ...kind, ...result.details, respCode, respMsg }
  }

  /** Signed at each attempt; the faults sign a different amount, or change it after signing. */
  function tampered(fields: AcpFields, faults: NotificationFaults): AcpFields {
    const amount = String(Number(fields.txnAmt) + (faults.alterAmount ?? 0))
    const message = signed({ ...fields, txnAmt: amount, ...(fields.settleAmt ? { settleAmt: amount } : {}) })
    return faults.badSignature ? { ...message, txnAmt: String(Number(amount) + 100) } : message
  }

  function notify(url: string, subject: string, fields: AcpFields, faults: NotificationFaults) {
    context.notifier.send({
      gateway: 'unionpay',
      url,
      subject,
      faults,
      schedule: RETRY_SECONDS,
      accepted: (status) => status === 200,
      build: (applied) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, body: new URLSearchParams(tampered(fields, applied)).toString() }),
    })
  }

  function openPayment(request: AcpFields): SandboxResponse {
    requireKind(request, '01', '01')
    if (request.bizType !== '000201') throw new Refusal('notAllowed')
    if (request.currencyCode !== CNY) throw new Refusal('format')
    const expiresAt = request.payTimeout ? parseBeijingTime(request.payTimeout) : new Date(Date.now() + DEFAULT_PAY_TIMEOUT_MS)
    if (!expiresAt) throw new Refusal('format')
    const existing = context.ledger.find('unionpay', request.merId, request.orderId)
    // The browser posting the same order again (back button) comes back to its cashier.
    const again = existing?.state === 'pending' && existing.extra.txnTime === request.txnTime && existing.amount === Number(request.txnAmt)
    if (!again && orderTaken(request.merId, request.orderId)) throw new Refusal('duplicate')
    const trade =
      existing ??
      context.ledger.open({
        gateway: 'unionpay',
        merchantId: request.merId,
        outTradeNo: request.orderId,
        tradeNo: `${beijingTime(new Date())}${randomDigits(7)}`,
        amount: Number(request.txnAmt),
        description: request.orderDesc || `银联订单 ${request.orderId}`,
        method: 'front',
        notifyUrl: request.backUrl,
        returnUrl: request.frontUrl,
        expiresAt: expiresAt.toISOString(),
        extra: { txnTime: request.txnTime, channelType: request.channelType },
      })
    return { status: 302, headers: { location: context.cashierUrl(trade) } }
  }

  function refund(request: AcpFields): SandboxResponse {
    requireKind(request, '04', '00')
    if (orderTaken(request.merId, request.orderId)) throw new Refusal('duplicate')
    const trade = context.ledger.findByTradeNo('unionpay', request.origQryId)
    if (!trade || trade.merchantId !== request.merId || trade.state !== 'paid') throw new Refusal('original')
    const amount = Number(request.txnAmt)
    if (amount > trade.amount - context.ledger.refunded(trade)) throw new Refusal('mismatch')
    data.refunds[orderKey(request.merId, request.orderId)] = { outTradeNo: trade.outTradeNo, txnTime: request.txnTime }
    context.state.changed()
    const created = context.ledger.addRefund(
      trade,
      { outRefundNo: request.orderId, amount, notifyUrl: request.backUrl },
      { delayMs: context.refundDelayMs(), outcome: context.takeFaults('unionpay').refundOutcome }
    )
    return answer(request, 'success', { origQryId: trade.tradeNo, txnAmt: request.txnAmt, queryId: created.refundNo })
  }

  function query(request: AcpFields): SandboxResponse {
    requireKind(request, '00', '00')
    const trade = context.ledger.find('unionpay', request.merId, request.orderId)
    const refundOrder = data.refunds[orderKey(request.merId, request.orderId)]
    const payment = refundOrder?.txnTime === request.txnTime ? context.ledger.find('unionpay', request.merId, refundOrder.outTradeNo) : undefined
    const refunded = payment && context.ledger.findRefund(payment, request.orderId)
    const result = trade?.extra.txnTime === request.txnTime ? paymentResult(trade) : payment && refunded ? refundResult(payment, refunded) : undefined
    if (!result) return answer(request, 'notFound')
    const [origRespCode, origRespMsg] = CODES[result.code]
    return answer(request, 'success', { ...result.details, origRespCode, origRespMsg })
  }

  return {
    name: 'unionpay',
    title: '银联',

    routes: () => [
      { method: 'POST', path: '/unionpay/gateway/api/frontTransReq.do', handle: ({ rawBody }) => serve(rawBody, FRONT_FIELDS, openPayment, (_, code) => errorPage(code)) },
      { method: 'POST', path: '/unionpay/gateway/api/backTransReq.do', handle: ({ rawBody }) => serve(rawBody, REFUND_FIELDS, refund, answer) },
      { method: 'POST', path: '/unionpay/gateway/api/queryTrans.do', handle: ({ rawBody }) => serve(rawBody, COMMON_FIELDS, query, answer) },
      {
        // 对账文件下载: UnionPay serves it from its own host (filedownload.95516.com).
        method: 'POST',
        path: '/unionpay/filedownload',
        handle: ({ rawBody }) =>
          serve(rawBody, FILE_TRANSFER_FIELDS, (request) => {
            requireKind(request, '76', '01')
            if (!/^(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(request.settleDate) || request.fileType !== '00') throw new Refusal('format')
            return answer(request, 'success', fileTransferAnswer(context, request))
          }, answer),
      },
    ],

    /** Input: `merId` (15 digits) to choose it, e.g. the same merchant in two sandboxes; otherwise a new one. */
    async registerMerchant(input) {
      const { root, middle } = await authority()
      if (input.merId !== undefined && !/^\d{15}$/.test(String(input.merId))) throw Object.assign(new Error('merId must be 15 digits'), { status: 422 })
      const merId = input.merId ? String(input.merId) : `777290058${randomDigits(6)}`
      const issued = await issueCertificate({ subject: merchantSubject(merId), issuer: middle, usage: 'sign' })
      data.certificates[certIdOf(issued.certificate)] = { merId, certificate: issued.certificate }
      context.state.changed()
      const credentials: UnionPayCredentials = {
        merId,
        signCertificate: issued.certificate,
        signPrivateKey: issued.privateKey,
        rootCertificate: root.certificate,
        middleCertificate: middle.certificate,
      }
      return { ...credentials }
    },

    async rotateKeys() {
      const current = await authority()
      current.signing = await issueCertificate({ subject: SIGNING_SUBJECT, issuer: current.middle, usage: 'sign' })
      context.state.changed()
    },

    afterSettle(trade, outcome, faults) {
      if (outcome !== 'pay' || trade.state !== 'paid' || !trade.notifyUrl) return
      notify(trade.notifyUrl, `pay ${trade.merchantId}/${trade.outTradeNo}`, notification(trade, { txnType: '01', txnSubType: '01' }, paymentResult(trade)), faults)
    },

    afterRefund(trade, refund, faults) {
      if (!refund.notifyUrl) return
      notify(refund.notifyUrl, `refund ${trade.merchantId}/${refund.outRefundNo}`, notification(trade, { txnType: '04', txnSubType: '00' }, refundResult(trade, refund)), faults)
    },

    cashierReturn(trade) {
      if (!trade.returnUrl) return html(200, `<p>${escapeHtml(trade.state)}</p>`)
      return autoSubmit(trade.returnUrl, signed(notification(trade, { txnType: '01', txnSubType: '01' }, paymentResult(trade))))
    },
  }
}
