/*
 * Where each channel's gateway is. Production talks to the real gateways; development, the demo
 * and tests set SANDBOX_URL and talk to the local sandbox, which serves each gateway
 * under its own prefix with the same paths as the real one.
 */
import env from '#start/env'

export interface GatewayUrls {
  /** WeChat Pay API v3 base (paths /v3/...). */
  wechatPay: string
  /** Alipay OpenAPI: the gateway.do URL (alipay-sdk `gateway`) and the v3 endpoint (`endpoint`). */
  alipayGateway: string
  alipayEndpoint: string
  /** UnionPay ACP base (paths /gateway/api/frontTransReq.do, backTransReq.do, queryTrans.do). */
  unionpay: string
}

export const LIVE_GATEWAYS: GatewayUrls = {
  wechatPay: 'https://api.mch.weixin.qq.com',
  alipayGateway: 'https://openapi.alipay.com/gateway.do',
  alipayEndpoint: 'https://openapi.alipay.com',
  unionpay: 'https://gateway.95516.com',
}

export function sandboxGateways(sandboxUrl: string): GatewayUrls {
  const base = sandboxUrl.replace(/\/$/, '')
  return {
    wechatPay: `${base}/wechatpay`,
    alipayGateway: `${base}/alipay/gateway.do`,
    alipayEndpoint: `${base}/alipay`,
    unionpay: `${base}/unionpay`,
  }
}

export function gatewayUrls(): GatewayUrls {
  const sandbox = env.get('SANDBOX_URL')
  return sandbox ? sandboxGateways(sandbox) : LIVE_GATEWAYS
}
