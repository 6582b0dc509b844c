/*
 * The JS-SDK's wx.config for a visitor page (chooseWXPay, scanQRCode): signed with the venue's
 * jsapi_ticket over the page URL without its fragment, as WeChat checks it. WeChat only accepts
 * it on the account's JS接口安全域名, so a signature for another site is of no use to anyone.
 */
import { createHash, randomBytes } from 'node:crypto'
import AccessTokens from '#wechat/services/access_tokens'
import type Tenant from '#tenancy/models/tenant'

function jsSdkSignature(ticket: string, nonceStr: string, timestamp: number, url: string): string {
  return createHash('sha1').update(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url}`).digest('hex')
}

export async function jsSdkConfig(tenant: Tenant, pageUrl: string) {
  const tokens = await AccessTokens.for(tenant)
  const ticket = await tokens.jsapiTicket()
  const nonceStr = randomBytes(8).toString('hex')
  const timestamp = Math.floor(Date.now() / 1000)
  return { appId: tokens.account.appId, timestamp, nonceStr, signature: jsSdkSignature(ticket, nonceStr, timestamp, pageUrl.split('#')[0]) }
}
