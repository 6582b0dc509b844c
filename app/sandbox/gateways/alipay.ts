/*
 * The sandbox's Alipay (支付宝), public-key mode: the OpenAPI gateway at /alipay/gateway.do (GET and
 * POST; `method` picks the API), the QR codes of precreated orders, and notifications.
 *
 * Keys: each merchant app gets its own key pair (the private key goes to the platform once; the
 * sandbox keeps the public key); the sandbox has one Alipay key pair whose public key every app
 * verifies with. Public-key mode has no rotation protocol: after POST /sandbox/keys/rotate the
 * merchants must be configured with the new key from GET /sandbox/alipay/public-key.
 *
 * Like Alipay, a trade exists only once the buyer opens the pay URL or scans the QR code; an unpaid
 * trade that reaches time_expire closes without a notification here.
 */
import type { GatewayFactory, SandboxRequest, SandboxResponse } from '#sandbox/sandbox_server'
import { json } from '#sandbox/sandbox_server'
import type { NotificationFaults } from '#sandbox/notifier'
import { escapeHtml } from '#core/html'
import { fenToYuan, toBeijingTime } from '#payments/alipay/alipay_format'
import { newKeyPair, newKeyPairSync, signedResponse } from '#sandbox/gateways/alipay/signing'
import { randomDigits } from '#core/random_text'
import type { AlipayBook } from '#sandbox/gateways/alipay/book'
import { AlipayFailure, openTrade, PAGE_PAY, readBizContent, readOrder, readParams, TRADE_APIS, verifyRequest } from '#sandbox/gateways/alipay/openapi'
import { notifyTrade, returnParams } from '#sandbox/gateways/alipay/notifications'
import { alipayBills } from '#sandbox/gateways/alipay/bill'

const html = (status: number, body: string): SandboxResponse => ({ status, headers: { 'content-type': 'text/html; charset=utf-8' }, body })

/** Alipay shows the browser an error page when a pay URL does not check out. */
const errorPage = (failure: AlipayFailure) =>
  html(400, `<h1>支付宝 · 出错了</h1><p>错误代码 ${escapeHtml(failure.body.sub_code)}</p><p>${escapeHtml(failure.body.sub_msg)}</p>`)

export const alipayGateway: GatewayFactory = (context) => {
  const book = context.state.section<AlipayBook>('alipay', () => ({ platform: newKeyPairSync(), apps: {}, preorders: {} }))
  const refundFaults = new Map<string, NotificationFaults>()
  const bills = alipayBills(context)
  const apis = { ...TRADE_APIS, ...bills.apis }

  async function gatewayDo(request: SandboxRequest): Promise<SandboxResponse> {
    const params = readParams(request)
    const page = Object.hasOwn(PAGE_PAY, params.method) ? PAGE_PAY[params.method] : undefined
    try {
      if (!params.method) throw new AlipayFailure({ code: '40001', msg: 'Missing Required Arguments', sub_code: 'isv.missing-method', sub_msg: '缺少方法名参数' })
      const app = verifyRequest(book, params)
      const biz = readBizContent(params)
      if (page) {
        const trade = openTrade(context, readOrder(app, params, biz, page.method, page.productCode))
        return { status: 302, headers: { location: context.cashierUrl(trade) } }
      }
      const api = Object.hasOwn(apis, params.method) && apis[params.method]
      if (!api) throw new AlipayFailure({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-method', sub_msg: '不存在的方法名' })
      const fields = api({ context, book, app, params, biz, refundFaults })
      return signedResponse(params.method, { code: '10000', msg: 'Success', ...fields }, book.platform.privateKey)
    } catch (error) {
      if (!(error instanceof AlipayFailure)) throw error
      if (page) return errorPage(error)
      // Without a method there is no <method>_response: Alipay answers error_response.
      return signedResponse(params.method ?? 'error', error.body, book.platform.privateKey)
    }
  }

  return {
    name: 'alipay',
    title: '支付宝',

    routes: () => [
      { method: 'POST', path: '/alipay/gateway.do', handle: gatewayDo },
      { method: 'GET', path: '/alipay/gateway.do', handle: gatewayDo },
      {
        // Scanning a precreate QR code: the trade starts to exist, and the cashier stands in for the Alipay app.
        method: 'GET',
        path: '/alipay/qr/:token',
        handle: ({ params }) => {
          const order = book.preorders[params.token]
          if (!order) return html(404, '<h1>二维码已失效 This QR code is not valid</h1>')
          try {
            return { status: 302, headers: { location: context.cashierUrl(openTrade(context, order)) } }
          } catch (error) {
            if (error instanceof AlipayFailure) return errorPage(error)
            throw error
          }
        },
      },
      { method: 'GET', path: '/sandbox/alipay/public-key', handle: () => json(200, { alipayPublicKey: book.platform.publicKey }) },
      ...bills.routes,
    ],

    async registerMerchant() {
      let appId: string
      do appId = `2021${randomDigits(12)}`
      while (book.apps[appId])
      const keys = await newKeyPair()
      book.apps[appId] = { appId, publicKey: keys.publicKey, sellerId: `2088${randomDigits(12)}` }
      context.state.changed()
      return { appId, privateKey: keys.privateKey, alipayPublicKey: book.platform.publicKey }
    },

    rotateKeys() {
      book.platform = newKeyPairSync()
      context.state.changed()
    },

    afterSettle(trade, outcome, faults) {
      if (outcome === 'pay') notifyTrade(context, book, trade, 'TRADE_SUCCESS', faults)
      if (outcome === 'cancel') notifyTrade(context, book, trade, 'TRADE_CLOSED', faults, { gmt_close: toBeijingTime(new Date(trade.closedAt!)) })
    },

    // A partial refund is announced as TRADE_SUCCESS with the refunded total so far; the last one closes the trade.
    afterRefund(trade, refund, faults) {
      const taken = refundFaults.get(refund.refundNo)
      refundFaults.delete(refund.refundNo)
      if (refund.state !== 'success') return
      const refunded = trade.refunds
        .slice(0, trade.refunds.indexOf(refund) + 1)
        .filter((candidate) => candidate.state === 'success')
        .reduce((sum, candidate) => sum + candidate.amount, 0)
      const refundedAt = toBeijingTime(new Date(refund.completedAt!))
      const full = refunded >= trade.amount
      notifyTrade(context, book, trade, full ? 'TRADE_CLOSED' : 'TRADE_SUCCESS', { ...taken, ...faults }, {
        refund_fee: fenToYuan(refunded),
        gmt_refund: refundedAt,
        out_biz_no: refund.outRefundNo,
        ...(full ? { gmt_close: refundedAt } : {}),
      })
    },

    cashierReturn(trade) {
      if (!trade.returnUrl) return html(200, `<p>${escapeHtml(trade.state)}</p>`)
      const url = new URL(trade.returnUrl)
      // Only a payment comes back signed; otherwise the merchant page has to query.
      if (trade.state === 'paid') for (const [name, value] of Object.entries(returnParams(book, trade))) url.searchParams.set(name, value)
      return { status: 303, headers: { location: url.toString() } }
    },
  }
}
