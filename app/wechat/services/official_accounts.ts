/*
 * The venue's official account (公众号): AppID, AppSecret, the server Token and EncodingAESKey
 * (消息加解密密钥) and the message mode. The three secrets are encrypted with the app key and never
 * leave this module except as an OfficialAccount for the WeChat services: no response, audit
 * record or log carries them. Updating without a secret keeps the stored one; giving one rotates it.
 */
import encryption from '@adonisjs/core/services/encryption'
import { invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import { venueUrls } from '#tenancy/services/venue_urls'
import { WechatClient } from '#wechat/services/wechat_client'
import type Tenant from '#tenancy/models/tenant'

export const MESSAGE_MODES = ['plain', 'compatible', 'safe'] as const
export type MessageMode = (typeof MESSAGE_MODES)[number]

interface Secrets {
  appSecret: string
  token: string
  encodingAesKey?: string
}

const SECRET_NAMES: (keyof Secrets)[] = ['appSecret', 'token', 'encodingAesKey']

export interface AccountRow {
  app_id: string
  secrets: string
  message_mode: MessageMode
  welcome_text: string | null
  templates: Record<string, unknown>
  menu: unknown
  menu_published_at: Date | null
  test_status: 'untested' | 'ok' | 'failed'
  tested_at: Date | null
  test_error: string | null
  updated_at: Date
}

/** The account as the WeChat services use it, secrets included. */
export interface OfficialAccount extends Secrets {
  appId: string
  messageMode: MessageMode
  row: AccountRow
}

export interface AccountInput {
  appId: string
  appSecret?: string
  token?: string
  encodingAesKey?: string
  messageMode: MessageMode
}

/** What to paste into the WeChat admin (mp.weixin.qq.com) for this venue. */
export function wechatAdminUrls(tenant: Tenant) {
  const { visitor } = venueUrls(tenant)
  const domain = new URL(visitor).host
  return {
    /** 服务器地址(URL) under 基本配置 → 服务器配置. */
    serverUrl: `${visitor}webhooks/wechat`,
    /** 网页授权域名 (OAuth) and JS接口安全域名 (JS-SDK) under 公众号设置 → 功能设置. */
    oauthDomain: domain,
    jsSdkDomain: domain,
  }
}

function present(row: AccountRow) {
  const secrets = encryption.decrypt<Secrets>(row.secrets) ?? ({} as Secrets)
  return {
    appId: row.app_id,
    messageMode: row.message_mode,
    secretsSet: SECRET_NAMES.filter((name) => secrets[name]),
    test: { status: row.test_status, testedAt: row.tested_at, error: row.test_error },
    updatedAt: row.updated_at,
  }
}

/** The venue's account, or null when it has none. */
async function findOfficialAccount(trx: TenantTransaction): Promise<OfficialAccount | null> {
  const row: AccountRow | undefined = await trx.from('wechat_accounts').first()
  if (!row) return null
  return { ...encryption.decrypt<Secrets>(row.secrets)!, appId: row.app_id, messageMode: row.message_mode, row }
}

export async function loadOfficialAccount(trx: TenantTransaction): Promise<OfficialAccount> {
  const account = await findOfficialAccount(trx)
  if (!account) throw notFound('This venue has not connected a WeChat official account', 'E_WECHAT_NOT_CONFIGURED')
  return account
}

export default class OfficialAccounts {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new OfficialAccounts(tenant)
  }

  async show() {
    const row = await runInTenant(this.tenant, async (trx): Promise<AccountRow | undefined> => trx.from('wechat_accounts').first())
    return { account: row ? present(row) : null, urls: wechatAdminUrls(this.tenant) }
  }

  /** Creates or updates the account (input validated); a new AppID or AppSecret drops the cached tokens. */
  async save(input: AccountInput) {
    const given = Object.fromEntries(SECRET_NAMES.filter((name) => input[name] !== undefined).map((name) => [name, input[name]]))
    const saved = await runInTenant(this.tenant, async (trx) => {
      const existing = await findOfficialAccount(trx)
      const secrets: Secrets = { ...(existing ? { appSecret: existing.appSecret, token: existing.token, encodingAesKey: existing.encodingAesKey } : {}), ...given } as Secrets
      for (const name of ['appSecret', 'token'] as const) {
        if (!secrets[name]) throw invalid(name, `${name} is required for a new official account`, 'E_SECRET_REQUIRED')
      }
      if (input.messageMode !== 'plain' && !secrets.encodingAesKey) {
        throw invalid('encodingAesKey', 'The compatible and safe modes need the EncodingAESKey', 'E_SECRET_REQUIRED')
      }
      const values = { app_id: input.appId, secrets: encryption.encrypt(secrets), message_mode: input.messageMode, test_status: 'untested', tested_at: null, test_error: null, updated_at: new Date() }
      const [row]: AccountRow[] = existing
        ? await trx.from('wechat_accounts').update(values).returning('*')
        : await trx.table('wechat_accounts').insert(values).returning('*')
      if (existing && (existing.appId !== input.appId || given.appSecret)) await trx.from('wechat_tokens').delete()
      await auditLog.tenant(trx, {
        action: existing ? 'wechat_account.updated' : 'wechat_account.created',
        subjectType: 'wechat_account',
        subjectId: input.appId,
        before: existing ? { ...present(existing.row), test: undefined } : null,
        after: { ...present(row), test: undefined },
        meta: { secretsRotated: Object.keys(given) },
      })
      return row
    })
    return present(saved)
  }

  /** Proves AppID and AppSecret work by fetching an access token (the cached one is left alone); records the result. */
  async test() {
    const account = await runInTenant(this.tenant, loadOfficialAccount)
    let error: string | null = null
    try {
      await new WechatClient(account.appId, account.appSecret).stableToken()
    } catch (failure: any) {
      error = String(failure?.message ?? failure).slice(0, 500)
    }
    return runInTenant(this.tenant, async (trx) => {
      const [row]: AccountRow[] = await trx
        .from('wechat_accounts')
        .update({ test_status: error ? 'failed' : 'ok', tested_at: new Date(), test_error: error })
        .returning('*')
      await auditLog.tenant(trx, { action: 'wechat_account.tested', subjectType: 'wechat_account', subjectId: account.appId, outcome: error ? 'failure' : 'success', meta: { error } })
      return present(row)
    })
  }
}
