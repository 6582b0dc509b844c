/*
 * A thin client of the official-account APIs an app server calls (no maintained npm client lets
 * the hosts be configured): one method per endpoint, WeChat's JSON in and out, and every
 * `errcode` other than 0 thrown as a WechatApiError. It keeps no state: the access token is the
 * caller's business (services/access_tokens.ts caches and refreshes it).
 */
import { AppError } from '#core/app_error'
import { wechatHosts, type WechatHosts } from '#wechat/wechat_hosts'

/** The errcodes that mean "this access_token is no good": 40001 invalid credential, 40014 invalid token, 42001 expired. */
export const INVALID_TOKEN_ERRCODES = new Set([40001, 40014, 42001])

const TIMEOUT_MS = 10_000

/** WeChat said no (or could not be reached: errcode -1, like its own "system error"). */
export class WechatApiError extends AppError {
  constructor(
    readonly api: string,
    readonly errcode: number,
    readonly errmsg: string
  ) {
    super(`WeChat refused ${api}: ${errcode} ${errmsg}`, { status: 502, code: 'E_WECHAT_API', meta: { errcode, errmsg } })
  }
}

export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo'

export interface OAuthToken {
  access_token: string
  expires_in: number
  refresh_token: string
  openid: string
  scope: string
  unionid?: string
}

export interface WechatUserInfo {
  openid: string
  nickname: string
  sex: number
  province: string
  city: string
  country: string
  headimgurl: string
  privilege: string[]
  unionid?: string
}

export interface WechatMenuButton {
  type?: 'click' | 'view'
  name: string
  key?: string
  url?: string
  sub_button?: WechatMenuButton[]
}

export interface TemplateMessage {
  touser: string
  template_id: string
  url?: string
  /** 防重入 id: WeChat sends one message per openid + client_msg_id. */
  client_msg_id: string
  data: Record<string, { value: string }>
}

export class WechatClient {
  constructor(
    readonly appId: string,
    readonly appSecret: string,
    readonly hosts: WechatHosts = wechatHosts()
  ) {}

  /** 获取稳定版接口调用凭据. force_refresh is limited per day by WeChat: only when the current token was refused. */
  stableToken(forceRefresh = false): Promise<{ access_token: string; expires_in: number }> {
    return this.#call('stable_token', 'cgi-bin/stable_token', {
      body: { grant_type: 'client_credential', appid: this.appId, secret: this.appSecret, force_refresh: forceRefresh },
    })
  }

  /** 网页授权: the page the visitor's WeChat opens to consent (silently for snsapi_base). */
  authorizeUrl(redirectUri: string, scope: OAuthScope, state: string): string {
    // WeChat wants these parameters in this order, and the fragment.
    const query = [
      ['appid', this.appId],
      ['redirect_uri', redirectUri],
      ['response_type', 'code'],
      ['scope', scope],
      ['state', state],
    ]
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
      .join('&')
    return `${this.hosts.open}/connect/oauth2/authorize?${query}#wechat_redirect`
  }

  /** The code from the authorize redirect, for the visitor's openid (and a web access token). */
  exchangeCode(code: string): Promise<OAuthToken> {
    return this.#call('sns/oauth2/access_token', 'sns/oauth2/access_token', {
      query: { appid: this.appId, secret: this.appSecret, code, grant_type: 'authorization_code' },
    })
  }

  /** The visitor's profile; needs a web access token of scope snsapi_userinfo. */
  userInfo(webAccessToken: string, openid: string): Promise<WechatUserInfo> {
    return this.#call('sns/userinfo', 'sns/userinfo', { query: { access_token: webAccessToken, openid, lang: 'zh_CN' } })
  }

  async createMenu(accessToken: string, button: WechatMenuButton[]): Promise<void> {
    await this.#call('menu/create', 'cgi-bin/menu/create', { query: { access_token: accessToken }, body: { button } })
  }

  /** The menu WeChat has (errcode 46003 when there is none). */
  getMenu(accessToken: string): Promise<{ menu: { button: WechatMenuButton[] } }> {
    return this.#call('menu/get', 'cgi-bin/menu/get', { query: { access_token: accessToken } })
  }

  async sendTemplate(accessToken: string, message: TemplateMessage): Promise<string> {
    const { msgid } = await this.#call<{ msgid: number | string }>('message/template/send', 'cgi-bin/message/template/send', { query: { access_token: accessToken }, body: message })
    return String(msgid)
  }

  /** The JS-SDK ticket (jsapi_ticket) that signs wx.config. */
  jsapiTicket(accessToken: string): Promise<{ ticket: string; expires_in: number }> {
    return this.#call('ticket/getticket', 'cgi-bin/ticket/getticket', { query: { access_token: accessToken, type: 'jsapi' } })
  }

  async #call<T>(api: string, path: string, request: { query?: Record<string, string>; body?: unknown }): Promise<T> {
    const url = new URL(`${this.hosts.api}/${path}`)
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value)
    let text: string
    try {
      const response = await fetch(url, {
        method: request.body === undefined ? 'GET' : 'POST',
        headers: request.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
      text = await response.text()
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
    } catch (error: any) {
      throw new WechatApiError(api, -1, `unreachable: ${error?.message ?? error}`)
    }
    let body: any
    try {
      body = JSON.parse(text)
    } catch {
      throw new WechatApiError(api, -1, `not JSON: ${text.slice(0, 100)}`)
    }
    if (body.errcode) throw new WechatApiError(api, Number(body.errcode), String(body.errmsg ?? ''))
    return body as T
  }
}
