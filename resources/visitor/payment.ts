/*
 * Paying an order (or a change's difference) where the visitor is: inside WeChat by JSAPI
 * (WeixinJSBridge), elsewhere by leaving for the channel's page (Alipay wap, WeChat H5) or posting
 * its form (UnionPay). Each comes back to the result page, which asks the server, never the URL.
 */
import { api, basePath } from './http'
import { inWechat, orderHeaders, type ChannelKind } from './store'

type Start =
  | { kind: 'jsapi'; jsapi: Record<string, string> }
  | { kind: 'redirect'; url: string }
  | { kind: 'qr'; url: string }
  | { kind: 'form'; form: { action: string; fields: Record<string, string> } }

declare global {
  interface Window {
    WeixinJSBridge?: { invoke(name: string, args: unknown, callback: (result: { err_msg: string }) => void): void }
  }
}

/** The method each channel is started with here. */
export function methodFor(channel: ChannelKind): string {
  if (channel === 'wechat_pay') return inWechat() ? 'jsapi' : 'h5'
  if (channel === 'alipay') return 'wap'
  return 'front'
}

/** Where the browser comes back: the result page, which polls the order (and the change being paid for). */
export const resultPath = (number: string, changeId?: number) => `${basePath}/pay/${number}?${changeId ? `change=${changeId}&` : ''}returned=1`

/**
 * Pays the order, or the price difference of its change `changeId` (改签差价). Inside WeChat the
 * server pays as the signed-in visitor's openid (their WeChat sign-in), so nothing names it here.
 * 'left' when the browser is on its way to the channel; 'ok' / 'cancel' / 'fail' from WeChat's JSAPI.
 */
export async function pay(number: string, channel: ChannelKind, changeId?: number): Promise<'left' | 'ok' | 'cancel' | 'fail'> {
  const { payment } = await api<{ payment: { start: Start } }>('POST', `/orders/${number}/${changeId ? `changes/${changeId}/payments` : 'payments'}`, {
    headers: orderHeaders(number),
    body: { channel, method: methodFor(channel), returnPath: resultPath(number, changeId) },
  })
  const start = payment.start
  if (start.kind === 'jsapi') return jsapi(start.jsapi)
  if (start.kind === 'form') {
    const form = document.createElement('form')
    form.method = 'post'
    form.action = start.form.action
    for (const [name, value] of Object.entries(start.form.fields)) {
      const input = document.createElement('input')
      input.type = 'hidden'
      input.name = name
      input.value = value
      form.append(input)
    }
    document.body.append(form)
    form.submit()
    return 'left'
  }
  const url = new URL(start.url)
  // WeChat H5 pay returns to the merchant's redirect_url, appended by the merchant.
  if (channel === 'wechat_pay') url.searchParams.set('redirect_url', `${location.origin}${resultPath(number, changeId)}`)
  location.assign(url.toString())
  return 'left'
}

function jsapi(args: Record<string, string>): Promise<'ok' | 'cancel' | 'fail'> {
  return new Promise((resolve) => {
    const invoke = () =>
      window.WeixinJSBridge!.invoke('getBrandWCPayRequest', args, (result) => {
        resolve(/:ok$/.test(result.err_msg) ? 'ok' : /:cancel$/.test(result.err_msg) ? 'cancel' : 'fail')
      })
    if (window.WeixinJSBridge) invoke()
    else document.addEventListener('WeixinJSBridgeReady', invoke, { once: true })
  })
}
