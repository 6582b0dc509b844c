/*
 * Visitors signing in with WeChat (网页授权): snsapi_base silently gives the openid (and unionid
 * when the account is bound to an open platform); snsapi_userinfo, after the visitor consents,
 * also the nickname and avatar.
 *
 * The OAuth `state` is random, stored hashed with a binding to this browser's session (a random
 * value kept in the session cookie), lives ten minutes and is deleted when used: a callback from
 * another browser, a forged, an old or a replayed one is refused before the code is touched.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { AppError, forbidden, invalid } from '#core/app_error'
import { LoginService } from '#identity/services/login_service'
import type Visitor from '#identity/models/visitor'
import { runInTenant } from '#tenancy/services/tenant_database'
import { loadOfficialAccount } from '#wechat/services/official_accounts'
import { visitorForWechat, type WechatProfile } from '#wechat/services/visitor_identities'
import { WechatApiError, WechatClient, type OAuthScope } from '#wechat/services/wechat_client'
import type Tenant from '#tenancy/models/tenant'

const STATE_TTL_MS = 10 * 60_000
const BINDING_KEY = 'wechat_oauth_binding'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

interface PendingState {
  scope: OAuthScope
  return_to: string
}

export default class WechatLogin {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new WechatLogin(tenant)
  }

  /** WeChat's authorize page for this visitor, with a fresh state bound to their session. */
  async start(ctx: HttpContext, input: { scope?: OAuthScope; returnTo?: string }): Promise<string> {
    const scope = input.scope ?? 'snsapi_base'
    let binding: string | undefined = ctx.session.get(BINDING_KEY)
    if (!binding) {
      binding = randomBytes(16).toString('hex')
      ctx.session.put(BINDING_KEY, binding)
    }
    const state = randomBytes(16).toString('hex')
    const account = await runInTenant(this.tenant, async (trx) => {
      await trx.from('wechat_oauth_states').where('expires_at', '<', new Date()).delete()
      await trx.table('wechat_oauth_states').insert({
        state_hash: sha256(state),
        session_binding: sha256(binding),
        scope,
        return_to: input.returnTo ?? `${ctx.tenantBasePath}/`,
        expires_at: new Date(Date.now() + STATE_TTL_MS),
      })
      return loadOfficialAccount(trx)
    })
    const callback = `${ctx.request.protocol()}://${ctx.request.host()}${ctx.tenantBasePath}/wechat/callback`
    return new WechatClient(account.appId, account.appSecret).authorizeUrl(callback, scope, state)
  }

  /** Back from WeChat: the state spent, the code exchanged, the visitor found or created and signed in. Returns where to go next. */
  async finish(ctx: HttpContext, input: { state: string; code?: string }): Promise<string> {
    const binding: string | undefined = ctx.session.get(BINDING_KEY)
    const [pending]: PendingState[] = binding
      ? await runInTenant(this.tenant, (trx) =>
          trx
            .from('wechat_oauth_states')
            .where('state_hash', sha256(input.state))
            .where('session_binding', sha256(binding))
            .where('expires_at', '>', new Date())
            .delete()
            .returning(['scope', 'return_to'])
        )
      : []
    if (!pending) {
      throw new AppError('This WeChat sign-in is not valid here (expired, already used or started in another browser): sign in again', { status: 403, code: 'E_OAUTH_STATE', field: 'state' })
    }
    if (!input.code) throw new AppError('WeChat sign-in was not authorized', { status: 400, code: 'E_OAUTH_DENIED', field: 'code' })

    const account = await runInTenant(this.tenant, loadOfficialAccount)
    const client = new WechatClient(account.appId, account.appSecret)
    const profile = await this.#profile(client, input.code, pending.scope)
    const signedIn = (await ctx.auth.use('visitor').check()) ? (ctx.auth.use('visitor').user as Visitor) : null
    // Two first sign-ins of one person at once: the loser of the unique openid index finds the winner's account.
    const link = () => runInTenant(this.tenant, (trx) => visitorForWechat(trx, profile, signedIn))
    const visitor = await link().catch((error) => (error?.code === '23505' ? link() : Promise.reject(error)))
    if (visitor.status !== 'active') throw forbidden('This visitor account is disabled', 'E_ACCOUNT_DISABLED')
    await LoginService.for('visitor').complete(ctx, visitor)
    return pending.return_to
  }

  async #profile(client: WechatClient, code: string, scope: OAuthScope): Promise<WechatProfile> {
    try {
      const token = await client.exchangeCode(code)
      const profile: WechatProfile = { appId: client.appId, openid: token.openid, unionid: token.unionid }
      if (scope !== 'snsapi_userinfo') return profile
      const info = await client.userInfo(token.access_token, token.openid)
      return { ...profile, unionid: info.unionid ?? profile.unionid, nickname: info.nickname, avatarUrl: info.headimgurl }
    } catch (error) {
      if (error instanceof WechatApiError && error.errcode > 0) throw invalid('code', `WeChat did not accept this sign-in (${error.errcode} ${error.errmsg}): sign in again`, 'E_OAUTH_CODE')
      throw error
    }
  }
}
