/*
 * Where WeChat's servers are. Production talks to WeChat (api.weixin.qq.com for the APIs,
 * open.weixin.qq.com for the OAuth authorize page); development, the demo and tests set SANDBOX_URL
 * and talk to the local sandbox, which serves both under /wechatapi with the same paths.
 */
import env from '#start/env'

export interface WechatHosts {
  /** Base of the server APIs (paths cgi-bin/..., sns/...). */
  api: string
  /** Base of the browser-facing pages (path connect/oauth2/authorize). */
  open: string
}

export const LIVE_WECHAT_HOSTS: WechatHosts = {
  api: 'https://api.weixin.qq.com',
  open: 'https://open.weixin.qq.com',
}

export function sandboxWechatHosts(sandboxUrl: string): WechatHosts {
  const base = `${sandboxUrl.replace(/\/$/, '')}/wechatapi`
  return { api: base, open: base }
}

export function wechatHosts(): WechatHosts {
  const sandbox = env.get('SANDBOX_URL')
  return sandbox ? sandboxWechatHosts(sandbox) : LIVE_WECHAT_HOSTS
}
