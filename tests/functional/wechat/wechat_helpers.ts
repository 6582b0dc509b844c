/*
 * A venue with a sandbox official account, WeChat pushing to it through the sandbox, and a browser
 * (cookies, redirects by hand) for the OAuth round trip: app → sandbox authorize page → app.
 */
import db from '@adonisjs/lucid/services/db'
import { createTenant } from '#tests/helpers/tenants'
import { sandboxPost, sandboxUrl } from '#tests/helpers/payments'
import { connectSandboxOfficialAccount, type SandboxOfficialAccountCredentials } from '#wechat/services/sandbox_official_account'
import type { MessageMode } from '#wechat/services/official_accounts'
import type { Forgery, PushInput } from '#sandbox/gateways/wechat_api/server_push'
import type Tenant from '#tenancy/models/tenant'

export const appUrl = () => `http://${process.env.HOST}:${process.env.PORT}`

export interface WechatVenue {
  tenant: Tenant
  email: string
  password: string
  account: SandboxOfficialAccountCredentials
}

export async function wechatVenue(options: { mode?: MessageMode; menu?: boolean } = {}): Promise<WechatVenue> {
  const { tenant, email, password } = await createTenant()
  const account = (await connectSandboxOfficialAccount(tenant, { mode: options.mode ?? 'plain', menu: options.menu }))!
  return { tenant, email, password, account }
}

export async function sandboxGet<T>(path: string): Promise<T> {
  const response = await fetch(`${sandboxUrl()}${path}`)
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** What the sandbox saw of the venue's answer to a pushed message. */
export interface PushAnswer {
  status: number
  body: string
  encrypted: boolean
  signatureValid?: boolean
  reply: Record<string, string> | null
}

export const messageServerUrl = (tenant: Tenant) => `${appUrl()}/t/${tenant.slug}/webhooks/wechat`

/** WeChat pushing `message` to the venue's server; the sandbox reads the reply back (decrypted). */
export async function push(venue: WechatVenue, mode: MessageMode, message: PushInput['message'], forge?: Forgery): Promise<PushAnswer> {
  return (await sandboxPost('/sandbox/wechat/push', { appId: venue.account.appId, url: messageServerUrl(venue.tenant), mode, message, forge })) as PushAnswer
}

/** The URL check WeChat makes when the server configuration is saved. */
export async function verifyServer(venue: WechatVenue, forge?: Forgery) {
  return (await sandboxPost('/sandbox/wechat/verify', { appId: venue.account.appId, url: messageServerUrl(venue.tenant), forge })) as { status: number; body: string; verified: boolean }
}

/** The first error of an API answer. */
export async function firstError(response: Response) {
  return ((await response.json()) as { errors: { code: string; field?: string; message: string }[] }).errors[0]
}

export function apiCalls(venue: WechatVenue) {
  return sandboxGet<Record<string, number>>(`/sandbox/wechat/calls?appId=${venue.account.appId}`)
}

export function nextFault(venue: WechatVenue, api: string, errcode: number, times = 1) {
  return sandboxPost('/sandbox/wechat/faults', { appId: venue.account.appId, api, errcode, times })
}

export function sandboxUsers(venue: WechatVenue) {
  return sandboxGet<{ id: string; nickname: string; openid: string; unionid: string }[]>(`/sandbox/wechat/users?appId=${venue.account.appId}`)
}

export function auditActions(tenant: Tenant, action: string) {
  return db.from(`${tenant.schemaName}.audit_logs`).where('action', action).orderBy('id').select('outcome', 'meta', 'actor_type')
}

/** A browser: keeps cookies per name (one site), sends the CSRF header back, follows no redirect by itself. */
export class Browser {
  #cookies = new Map<string, string>()

  open(url: string) {
    return this.#fetch(url, {})
  }

  post(url: string, body: Record<string, unknown>) {
    const xsrf = this.#cookies.get('XSRF-TOKEN')
    const headers = { 'content-type': 'application/json', 'accept': 'application/json', ...(xsrf ? { 'x-xsrf-token': decodeURIComponent(xsrf) } : {}) }
    return this.#fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })
  }

  async #fetch(url: string, init: RequestInit) {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie } })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const name = pair.slice(0, pair.indexOf('='))
      if (/max-age=0(;|$)/i.test(line) || pair.endsWith('=')) this.#cookies.delete(name)
      else this.#cookies.set(name, pair.slice(name.length + 1))
    }
    return response
  }
}

/**
 * A visitor signing in with WeChat: the venue sends the browser to the sandbox's authorize page,
 * the visitor picks `user` there, and comes back to the venue's callback. Returns the callback's
 * answer and its URL (to replay it).
 */
export async function signInWithWechat(browser: Browser, tenant: Tenant, options: { user?: string; scope?: string; returnTo?: string } = {}) {
  const query = new URLSearchParams({ scope: options.scope ?? 'snsapi_base', ...(options.returnTo ? { returnTo: options.returnTo } : {}) })
  const start = await browser.open(`${appUrl()}/t/${tenant.slug}/wechat/login?${query}`)
  if (start.status !== 302) throw new Error(`login did not redirect: ${start.status} ${await start.text()}`)
  const authorizeUrl = start.headers.get('location')!
  const page = await (await fetch(authorizeUrl)).text()
  const link = [...page.matchAll(/href="([^"]+)"/g)].map((match) => match[1].replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))).find((href) => href.includes(`user=${options.user ?? 'zhangsan'}`))
  if (!link) throw new Error(`no link for ${options.user} on the authorize page: ${page.slice(0, 500)}`)
  const picked = await fetch(new URL(link, authorizeUrl), { redirect: 'manual' })
  const callbackUrl = picked.headers.get('location')!
  return { authorizeUrl, callbackUrl, response: await browser.open(callbackUrl) }
}

/** Who the browser is signed in as at the venue (null: nobody). */
export async function signedInVisitor(browser: Browser, tenant: Tenant) {
  const response = await browser.open(`${appUrl()}/t/${tenant.slug}/api/account/me`)
  return response.status === 200 ? ((await response.json()) as { account: { id: number; displayName: string | null; phone: string | null } }).account : null
}

/** The last login code the venue sent to `phone` (in tests SMS stays in the outbox). */
export async function sentCode(tenant: Tenant, phone: string): Promise<string> {
  const message = await db.from(`${tenant.schemaName}.outbox_messages`).where({ recipient: phone, template: 'login_code' }).orderBy('id', 'desc').firstOrFail()
  return message.data.code
}

/** Signs `browser` in at the venue with a phone code; returns the visitor's id. */
export async function signInByPhone(browser: Browser, tenant: Tenant, phone: string): Promise<number> {
  const api = `${appUrl()}/t/${tenant.slug}/api/account`
  const sent = await browser.post(`${api}/phone-code`, { phone })
  if (sent.status !== 202) throw new Error(`phone-code: ${sent.status} ${await sent.text()}`)
  const login = await browser.post(`${api}/phone-login`, { phone, code: await sentCode(tenant, phone) })
  if (login.status !== 200) throw new Error(`phone-login: ${login.status} ${await login.text()}`)
  return ((await login.json()) as { account: { id: number } }).account.id
}
