/*
 * WeChat web authorization (网页授权) in the sandbox: the authorize page, where instead of the
 * visitor's own WeChat a picker of fake users stands (silent for snsapi_base in real WeChat; here
 * the demo visitor says who they are), and the code → openid exchange and user info APIs.
 * Codes are single-use and live five minutes; web access tokens two hours.
 */
import { randomBytes } from 'node:crypto'
import { escapeHtml } from '#core/html'
import { json, type SandboxRequest, type SandboxResponse } from '#sandbox/sandbox_server'
import { FAKE_USERS, openidFor, unionidFor, type WechatApiBook } from '#sandbox/gateways/wechat_api/book'
import { WechatFailure } from '#sandbox/gateways/wechat_api/errors'

const CODE_TTL_MS = 5 * 60_000
const WEB_TOKEN_TTL_S = 7200
const SCOPES: Record<string, string> = { snsapi_base: '获取你的身份标识 (openid)', snsapi_userinfo: '获取你的昵称、头像 (profile)' }

const page = (status: number, title: string, body: string): SandboxResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 0; background: #ededed; color: #111; }
  main { max-width: 420px; margin: 0 auto; padding: 24px 16px; }
  .card { background: #fff; border-radius: 12px; padding: 24px; }
  .badge { display: inline-block; font-size: 12px; background: #fef3c7; color: #92400e; padding: 2px 8px; border-radius: 999px; }
  a.user, a.deny { display: block; margin-top: 12px; padding: 14px; border-radius: 8px; text-decoration: none; text-align: center; font-size: 17px; }
  a.user { background: #07c160; color: #fff; }
  a.deny { background: #fff; color: #374151; border: 1px solid #d1d5db; }
  .muted { color: #6b7280; font-size: 14px; }
</style></head>
<body><main><div class="card"><span class="badge">沙箱 Sandbox · 微信</span>${body}</div></main></body></html>`,
})

/** WeChat's error page for an authorize link that does not check out. */
const errorPage = (errcode: number, text: string) => page(400, '微信', `<h1>Oops! Something went wrong :(</h1><p>错误码 ${errcode}</p><p>${escapeHtml(text)}</p>`)

function withParams(url: string, params: Record<string, string>) {
  const target = new URL(url)
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value)
  return target.toString()
}

/** GET /wechatapi/connect/oauth2/authorize?appid&redirect_uri&response_type=code&scope&state[&user] */
export function authorize(book: WechatApiBook, changed: () => void, { query, path }: SandboxRequest): SandboxResponse {
  const appId = query.get('appid') ?? ''
  const redirectUri = query.get('redirect_uri') ?? ''
  const scope = query.get('scope') ?? ''
  const state = query.get('state') ?? ''
  const account = book.accounts[appId]
  if (!appId) return errorPage(10012, 'appid 不能为空')
  if (!account) return errorPage(40013, 'invalid appid')
  if (!/^https?:\/\//.test(redirectUri)) return errorPage(10011, 'redirect_uri 参数错误')
  if (query.get('response_type') !== 'code') return errorPage(10003, 'response_type 参数错误')
  if (!SCOPES[scope]) return errorPage(scope ? 10005 : 10010, scope ? '此公众号并没有这些 scope 的权限' : 'scope 不能为空')

  const userId = query.get('user')
  if (userId === 'deny') return { status: 302, headers: { location: withParams(redirectUri, { state }) } }
  const user = FAKE_USERS.find((candidate) => candidate.id === userId)
  if (user) {
    const code = randomBytes(16).toString('hex')
    book.codes[code] = { appId, userId: user.id, scope, expiresAt: Date.now() + CODE_TTL_MS, used: false }
    changed()
    return { status: 302, headers: { location: withParams(redirectUri, { code, state }) } }
  }

  const choose = (id: string) => {
    const link = new URLSearchParams(query)
    link.set('user', id)
    return escapeHtml(`${path}?${link}`)
  }
  const users = FAKE_USERS.map((candidate) => `<a class="user" href="${choose(candidate.id)}">以 ${escapeHtml(candidate.nickname)} 的身份登录 Sign in as ${escapeHtml(candidate.id)}</a>`).join('\n')
  return page(
    200,
    `${account.name} · 微信授权`,
    `<h1>${escapeHtml(account.name)}</h1>
<p>申请${escapeHtml(SCOPES[scope])}</p>
<p class="muted">The sandbox stands in for the visitor's WeChat: choose who signs in.</p>
${users}
${scope === 'snsapi_userinfo' ? `<a class="deny" href="${choose('deny')}">拒绝 Deny</a>` : ''}`
  )
}

/** GET /wechatapi/sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code */
export function exchangeCode(book: WechatApiBook, changed: () => void, { query }: SandboxRequest): SandboxResponse {
  const account = book.accounts[query.get('appid') ?? '']
  if (!account) throw new WechatFailure(40013)
  if (query.get('secret') !== account.appSecret) throw new WechatFailure(40125)
  if (query.get('grant_type') !== 'authorization_code') throw new WechatFailure(40002)
  const code = book.codes[query.get('code') ?? '']
  if (!code || code.appId !== account.appId || code.expiresAt <= Date.now()) throw new WechatFailure(40029)
  if (code.used) throw new WechatFailure(40163)
  code.used = true
  const accessToken = randomBytes(48).toString('base64url')
  book.webTokens[accessToken] = { appId: account.appId, userId: code.userId, scope: code.scope, expiresAt: Date.now() + WEB_TOKEN_TTL_S * 1000 }
  changed()
  return json(200, {
    access_token: accessToken,
    expires_in: WEB_TOKEN_TTL_S,
    refresh_token: randomBytes(48).toString('base64url'),
    openid: openidFor(account.appId, code.userId),
    scope: code.scope,
    unionid: unionidFor(code.userId),
  })
}

/** GET /wechatapi/sns/userinfo?access_token&openid&lang */
export function userInfo(book: WechatApiBook, { query }: SandboxRequest): SandboxResponse {
  const token = book.webTokens[query.get('access_token') ?? '']
  if (!query.get('access_token')) throw new WechatFailure(41001)
  if (!token) throw new WechatFailure(40001)
  if (token.expiresAt <= Date.now()) throw new WechatFailure(42001)
  if (token.scope !== 'snsapi_userinfo') throw new WechatFailure(48001)
  if (query.get('openid') !== openidFor(token.appId, token.userId)) throw new WechatFailure(40003)
  const user = FAKE_USERS.find((candidate) => candidate.id === token.userId)!
  return json(200, {
    openid: openidFor(token.appId, user.id),
    nickname: user.nickname,
    sex: user.sex,
    province: user.province,
    city: user.city,
    country: '中国',
    headimgurl: `https://thirdwx.qlogo.cn/mmopen/sandbox/${user.id}/132`,
    privilege: [],
    unionid: unionidFor(user.id),
  })
}
