/*
 * The sandbox's WeChat official-account platform, under /wechatapi with the real paths of
 * api.weixin.qq.com and open.weixin.qq.com: stable_token (normal and forced refresh, limited per
 * day), web authorization (authorize page with a fake-user picker, code exchange, user info), the
 * custom menu, template messages (one per openid + client_msg_id), the JS-SDK ticket. Answers and
 * errcodes are WeChat's. It also plays WeChat calling the account's server: the URL check and
 * signed (and encrypted) messages.
 *
 * Control API (JSON):
 *   POST /sandbox/wechat/accounts {name?}          a new official account → {appId, appSecret, token, encodingAesKey, originalId, templates}
 *   GET  /sandbox/wechat/users?appId=              the fake users, with their openid at that account and unionid
 *   GET  /sandbox/wechat/calls?appId=              how many times each API was called
 *   POST /sandbox/wechat/faults {appId, api, errcode, times?}   the next `times` calls of `api` fail with `errcode`
 *   POST /sandbox/wechat/tokens/end {appId, as?}   the current access_token ends: revoked (40001) or expired (42001)
 *   GET  /sandbox/wechat/templates?appId=          the template messages sent
 *   POST /sandbox/wechat/verify {appId, url, forge?}                  the server URL check
 *   POST /sandbox/wechat/push {appId, url, mode, message, forge?}     a message or event pushed; the reply read back
 */
import { randomBytes } from 'node:crypto'
import { beijingTime } from '#payments/wechat_pay/beijing_time'
import { json, type GatewayFactory, type SandboxRequest, type SandboxResponse, type SandboxRoute } from '#sandbox/sandbox_server'
import { randomDigits } from '#core/random_text'
import { FAKE_USERS, newAccount, newBook, openidFor, unionidFor, userByOpenid, type SandboxOfficialAccount, type WechatApiBook } from '#sandbox/gateways/wechat_api/book'
import { ok, WechatFailure } from '#sandbox/gateways/wechat_api/errors'
import { checkMenu } from '#sandbox/gateways/wechat_api/menu_rules'
import { authorize, exchangeCode, userInfo } from '#sandbox/gateways/wechat_api/oauth'
import { pushMessage, verifyServer } from '#sandbox/gateways/wechat_api/server_push'

const TOKEN_TTL_S = 7200
/** stable_token in normal mode hands out the current token until five minutes before it expires. */
const RENEW_WITHIN_MS = 5 * 60_000
const FORCED_REFRESHES_PER_DAY = 20
/** WeChat keeps client_msg_id ten minutes. */
const CLIENT_MSG_ID_TTL_MS = 10 * 60_000
const THING_MAX = 20

interface Fault {
  errcode: number
  times: number
}

const readJson = (request: SandboxRequest) => {
  try {
    return JSON.parse(request.rawBody || '{}')
  } catch {
    throw new WechatFailure(47001)
  }
}

export const wechatApiGateway: GatewayFactory = (context) => {
  const book = context.state.section<WechatApiBook>('wechatapi', newBook)
  const changed = () => context.state.changed()
  const calls = new Map<string, Record<string, number>>()
  const faults = new Map<string, Fault>()

  /** Counts the call and plays a queued fault, as the account's API `api` is reached. */
  function reached(appId: string, api: string) {
    const counts = calls.get(appId) ?? {}
    counts[api] = (counts[api] ?? 0) + 1
    calls.set(appId, counts)
    const fault = faults.get(`${appId}:${api}`)
    if (!fault) return
    if (--fault.times <= 0) faults.delete(`${appId}:${api}`)
    throw new WechatFailure(fault.errcode)
  }

  /** The account whose access_token the request carries. */
  function authenticated(request: SandboxRequest): SandboxOfficialAccount {
    const token = request.query.get('access_token')
    if (!token) throw new WechatFailure(41001)
    const issued = book.accessTokens[token]
    if (!issued || issued.ended === 'revoked') throw new WechatFailure(/^[\w-]{20,}$/.test(token) ? 40001 : 40014)
    if (issued.ended === 'expired' || issued.expiresAt <= Date.now()) throw new WechatFailure(42001)
    return book.accounts[issued.appId]
  }

  function issueToken(account: SandboxOfficialAccount) {
    const token = randomBytes(96).toString('base64url')
    book.accessTokens[token] = { appId: account.appId, expiresAt: Date.now() + TOKEN_TTL_S * 1000 }
    book.current[account.appId] = token
    changed()
    return token
  }

  function stableToken(request: SandboxRequest): SandboxResponse {
    const body = readJson(request)
    const account = book.accounts[body.appid]
    if (!account) throw new WechatFailure(40013)
    reached(account.appId, 'stable_token')
    if (body.grant_type !== 'client_credential') throw new WechatFailure(40002)
    if (body.secret !== account.appSecret) throw new WechatFailure(40125)
    const current = book.accessTokens[book.current[account.appId]]
    if (body.force_refresh === true) {
      const day = beijingTime(new Date()).slice(0, 10)
      if (account.forcedRefreshes.day !== day) account.forcedRefreshes = { day, count: 0 }
      if (account.forcedRefreshes.count >= FORCED_REFRESHES_PER_DAY) throw new WechatFailure(45009)
      account.forcedRefreshes.count += 1
      // A forced refresh ends the token handed out before.
      if (current) current.ended = 'revoked'
    } else if (current && !current.ended && current.expiresAt - Date.now() > RENEW_WITHIN_MS) {
      return json(200, { access_token: book.current[account.appId], expires_in: Math.floor((current.expiresAt - Date.now()) / 1000) })
    }
    return json(200, { access_token: issueToken(account), expires_in: TOKEN_TTL_S })
  }

  function sendTemplate(account: SandboxOfficialAccount, request: SandboxRequest): SandboxResponse {
    const body = readJson(request)
    if (typeof body.touser !== 'string' || !userByOpenid(account.appId, body.touser)) throw new WechatFailure(40003)
    const template = account.templates[body.template_id]
    if (!template) throw new WechatFailure(40037)
    const data = body.data ?? {}
    for (const [key, entry] of Object.entries<any>(data)) {
      if (!template.keys.includes(key) || typeof entry?.value !== 'string') throw new WechatFailure(47003, `data.${key}`)
      if (key.startsWith('thing') && [...entry.value].length > THING_MAX) throw new WechatFailure(47003, `data.${key}.value`)
    }
    const clientMsgId = typeof body.client_msg_id === 'string' ? body.client_msg_id : undefined
    const repeated =
      clientMsgId &&
      book.sends.find((send) => send.appId === account.appId && send.touser === body.touser && send.clientMsgId === clientMsgId && Date.now() - send.sentAt < CLIENT_MSG_ID_TTL_MS)
    if (repeated) return ok({ msgid: Number(repeated.msgid) })
    const msgid = randomDigits(16).replace(/^0/, '1')
    book.sends.push({ appId: account.appId, msgid, touser: body.touser, templateId: body.template_id, clientMsgId, url: body.url, data, sentAt: Date.now() })
    changed()
    return ok({ msgid: Number(msgid) })
  }

  function jsapiTicket(account: SandboxOfficialAccount, request: SandboxRequest): SandboxResponse {
    if (request.query.get('type') !== 'jsapi') throw new WechatFailure(40097)
    let current = book.tickets[account.appId]
    if (!current || current.expiresAt - Date.now() <= RENEW_WITHIN_MS) {
      current = { ticket: randomBytes(64).toString('base64url'), expiresAt: Date.now() + TOKEN_TTL_S * 1000 }
      book.tickets[account.appId] = current
      changed()
    }
    return ok({ ticket: current.ticket, expires_in: Math.floor((current.expiresAt - Date.now()) / 1000) })
  }

  /** An API route answering WeChat-style: a WechatFailure becomes {errcode, errmsg}. */
  const route = (method: 'GET' | 'POST', path: string, handle: (request: SandboxRequest) => SandboxResponse): SandboxRoute => ({
    method,
    path: `/wechatapi/${path}`,
    handle(request) {
      try {
        return handle(request)
      } catch (error) {
        if (error instanceof WechatFailure) return error.response
        throw error
      }
    },
  })

  /** An API route called with the access_token. */
  const withToken = (method: 'GET' | 'POST', path: string, api: string, handle: (account: SandboxOfficialAccount, request: SandboxRequest) => SandboxResponse) =>
    route(method, path, (request) => {
      // Counted (and faulted) even when the token is then refused: the call reached WeChat.
      const issued = book.accessTokens[request.query.get('access_token') ?? '']
      if (issued) reached(issued.appId, api)
      return handle(authenticated(request), request)
    })

  /** An OAuth API route: the account is named by appid in the query. */
  const withAppId = (path: string, api: string, handle: (request: SandboxRequest) => SandboxResponse) =>
    route('GET', path, (request) => {
      const appId = request.query.get('appid') ?? book.webTokens[request.query.get('access_token') ?? '']?.appId
      if (appId && book.accounts[appId]) reached(appId, api)
      return handle(request)
    })

  function accountNamed(appId: unknown): SandboxOfficialAccount {
    const account = book.accounts[String(appId)]
    if (!account) throw Object.assign(new Error(`No sandbox official account ${String(appId)}`), { status: 404 })
    return account
  }

  function register(input: Record<string, unknown>) {
    const account = newAccount(typeof input.name === 'string' ? input.name : '沙箱公众号 Sandbox account')
    book.accounts[account.appId] = account
    changed()
    const { appId, appSecret, token, encodingAesKey, originalId, templates } = account
    return { appId, appSecret, token, encodingAesKey, originalId, templates: Object.entries(templates).map(([templateId, template]) => ({ templateId, ...template })) }
  }

  const control: SandboxRoute[] = [
    { method: 'POST', path: '/sandbox/wechat/accounts', handle: ({ rawBody }) => json(201, register(JSON.parse(rawBody || '{}'))) },
    {
      method: 'GET',
      path: '/sandbox/wechat/users',
      handle: ({ query }) => {
        const account = accountNamed(query.get('appId'))
        return json(200, FAKE_USERS.map((user) => ({ ...user, openid: openidFor(account.appId, user.id), unionid: unionidFor(user.id) })))
      },
    },
    { method: 'GET', path: '/sandbox/wechat/calls', handle: ({ query }) => json(200, calls.get(accountNamed(query.get('appId')).appId) ?? {}) },
    {
      method: 'POST',
      path: '/sandbox/wechat/faults',
      handle: ({ rawBody }) => {
        const input = JSON.parse(rawBody || '{}')
        const account = accountNamed(input.appId)
        faults.set(`${account.appId}:${input.api}`, { errcode: Number(input.errcode), times: Number(input.times ?? 1) })
        return json(200, { appId: account.appId, api: input.api, errcode: Number(input.errcode), times: Number(input.times ?? 1) })
      },
    },
    {
      method: 'POST',
      path: '/sandbox/wechat/tokens/end',
      handle: ({ rawBody }) => {
        const input = JSON.parse(rawBody || '{}')
        const account = accountNamed(input.appId)
        const current = book.accessTokens[book.current[account.appId]]
        if (current) current.ended = input.as === 'expired' ? 'expired' : 'revoked'
        changed()
        return json(200, { ended: Boolean(current), as: current?.ended })
      },
    },
    { method: 'GET', path: '/sandbox/wechat/templates', handle: ({ query }) => json(200, book.sends.filter((send) => send.appId === accountNamed(query.get('appId')).appId)) },
    {
      method: 'POST',
      path: '/sandbox/wechat/verify',
      handle: async ({ rawBody }) => {
        const input = JSON.parse(rawBody || '{}')
        return json(200, await verifyServer(accountNamed(input.appId), input.url, input.forge))
      },
    },
    {
      method: 'POST',
      path: '/sandbox/wechat/push',
      handle: async ({ rawBody }) => {
        const input = JSON.parse(rawBody || '{}')
        return json(200, await pushMessage(accountNamed(input.appId), input))
      },
    },
  ]

  return {
    name: 'wechatapi',
    title: '微信公众平台',

    routes: () => [
      ...control,
      route('POST', 'cgi-bin/stable_token', stableToken),
      route('GET', 'connect/oauth2/authorize', (request) => authorize(book, changed, request)),
      withAppId('sns/oauth2/access_token', 'sns/oauth2/access_token', (request) => exchangeCode(book, changed, request)),
      withAppId('sns/userinfo', 'sns/userinfo', (request) => userInfo(book, request)),
      withToken('POST', 'cgi-bin/menu/create', 'menu/create', (account, request) => {
        account.menu = checkMenu(readJson(request).button)
        changed()
        return ok()
      }),
      withToken('GET', 'cgi-bin/menu/get', 'menu/get', (account) => {
        if (!account.menu) throw new WechatFailure(46003)
        return json(200, { menu: { button: account.menu } })
      }),
      withToken('POST', 'cgi-bin/message/template/send', 'message/template/send', sendTemplate),
      withToken('GET', 'cgi-bin/ticket/getticket', 'ticket/getticket', jsapiTicket),
    ],

    registerMerchant: register,

    // WeChat has no platform keys to rotate: an account's secrets are its own (register a new account to start over).
    rotateKeys() {},
    afterSettle() {},
    afterRefund() {},
  }
}
