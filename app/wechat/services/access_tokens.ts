/*
 * The venue's access_token and JS-SDK jsapi_ticket, shared by every app process through the
 * venue's database (WeChat issues a limited number a day, and a new one can end the old one):
 * - a cached value is used until five minutes before it expires;
 * - one refresh at a time across processes: a transaction-scoped advisory lock per venue and
 *   kind; whoever waited re-reads and finds the fresh value instead of fetching another;
 * - a call WeChat answers with an invalid-token errcode is retried once with a new token. The
 *   new token comes from stable_token in normal mode (which hands out the current token, a new
 *   one if the refused one is gone); only if WeChat hands back the very token it refused is a
 *   forced refresh (limited per day) asked for.
 */
import { createHash } from 'node:crypto'
import encryption from '@adonisjs/core/services/encryption'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import { loadOfficialAccount, type OfficialAccount } from '#wechat/services/official_accounts'
import { INVALID_TOKEN_ERRCODES, WechatApiError, WechatClient } from '#wechat/services/wechat_client'
import type Tenant from '#tenancy/models/tenant'

const REFRESH_MARGIN_MS = 5 * 60_000

type Kind = 'access_token' | 'jsapi_ticket'

interface TokenRow {
  kind: Kind
  app_id: string
  value: string
  fingerprint: string
  expires_at: Date
}

/** A value WeChat issued, and for how many seconds. */
type Issue = (trx: TenantTransaction, refused?: string) => Promise<{ value: string; expiresIn: number }>

const fingerprint = (value: string) => createHash('sha256').update(value).digest('hex')

export default class AccessTokens {
  readonly client: WechatClient

  constructor(
    readonly tenant: Tenant,
    readonly account: OfficialAccount
  ) {
    this.client = new WechatClient(account.appId, account.appSecret)
  }

  static async for(tenant: Tenant) {
    return new AccessTokens(tenant, await runInTenant(tenant, loadOfficialAccount))
  }

  /** A valid access_token; `refused` is one WeChat just refused, which is not to be handed out again. */
  accessToken(refused?: string): Promise<string> {
    return this.#cached('access_token', this.#issueAccessToken, refused)
  }

  jsapiTicket(): Promise<string> {
    return this.#cached('jsapi_ticket', this.#issueJsapiTicket)
  }

  /** Runs an API call with the access token; once more with a new token if WeChat says the token is no good. */
  call<T>(request: (accessToken: string) => Promise<T>): Promise<T> {
    return this.#call(request)
  }

  /** `call`, with the token read in `trx` when given (a refresh already under way in it). */
  async #call<T>(request: (accessToken: string) => Promise<T>, trx?: TenantTransaction): Promise<T> {
    const token = (refused?: string) => (trx ? this.#cachedIn(trx, 'access_token', this.#issueAccessToken, refused) : this.accessToken(refused))
    const first = await token()
    try {
      return await request(first)
    } catch (error) {
      if (!(error instanceof WechatApiError && INVALID_TOKEN_ERRCODES.has(error.errcode))) throw error
      return request(await token(first))
    }
  }

  #issueAccessToken: Issue = async (_trx, refused) => {
    let issued = await this.client.stableToken()
    if (refused && issued.access_token === refused) issued = await this.client.stableToken(true)
    return { value: issued.access_token, expiresIn: issued.expires_in }
  }

  // The ticket is fetched with a token read in the same transaction (lock order: ticket, then token),
  // so a refresh never waits for a second pooled connection.
  #issueJsapiTicket: Issue = async (trx) => {
    const issued = await this.#call((token) => this.client.jsapiTicket(token), trx)
    return { value: issued.ticket, expiresIn: issued.expires_in }
  }

  async #cached(kind: Kind, issue: Issue, refused?: string): Promise<string> {
    const row = await runInTenant(this.tenant, (trx) => this.#read(trx, kind))
    if (this.#usable(row, refused)) return encryption.decrypt<string>(row.value)!
    return runInTenant(this.tenant, (trx) => this.#cachedIn(trx, kind, issue, refused))
  }

  async #cachedIn(trx: TenantTransaction, kind: Kind, issue: Issue, refused?: string): Promise<string> {
    await trx.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [`wechat-${kind}:${trx.tenantSchema}`])
    const row = await this.#read(trx, kind)
    if (this.#usable(row, refused)) return encryption.decrypt<string>(row.value)!
    const { value, expiresIn } = await issue(trx, refused)
    const now = Date.now()
    await trx
      .table('wechat_tokens')
      .insert({ kind, app_id: this.account.appId, value: encryption.encrypt(value), fingerprint: fingerprint(value), expires_at: new Date(now + expiresIn * 1000), refreshed_at: new Date(now) })
      .onConflict('kind')
      .merge()
    return value
  }

  #read(trx: TenantTransaction, kind: Kind): Promise<TokenRow | undefined> {
    return trx.from('wechat_tokens').where('kind', kind).first()
  }

  #usable(row: TokenRow | undefined, refused?: string): row is TokenRow {
    return Boolean(
      row &&
        row.app_id === this.account.appId &&
        new Date(row.expires_at).getTime() - Date.now() > REFRESH_MARGIN_MS &&
        (!refused || row.fingerprint !== fingerprint(refused))
    )
  }
}
