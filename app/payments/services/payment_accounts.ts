/*
 * A venue's merchant accounts, one per channel. Secret fields are encrypted with the app key
 * (AES-256-GCM) and leave this module only as the channel implementation's credentials: no
 * response, audit record or log ever carries them. Updating without a secret keeps the stored one;
 * giving a new one rotates it.
 *
 * Channel instances are cached per account version: a WeChat Pay instance keeps its own platform
 * certificates, which must not be fetched again on every request nor shared between merchants.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import encryption from '@adonisjs/core/services/encryption'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { CHANNEL_KINDS, PAYMENT_METHODS, type ChannelKind, type PaymentChannel } from '#payments/channel'
import { SECRET_FIELDS, type ChannelCredentials } from '#payments/credentials'
import { createChannel } from '#payments/services/channel_factory'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

interface AccountRow {
  id: number
  channel: ChannelKind
  enabled: boolean
  merchant_id: string
  settings: Record<string, unknown>
  secrets: string
  test_status: 'untested' | 'ok' | 'failed'
  tested_at: Date | null
  test_error: string | null
  updated_at: Date
}

const MERCHANT_ID_FIELD: Record<ChannelKind, string> = { wechat_pay: 'mchid', alipay: 'appId', unionpay: 'merId' }

const channels = new Map<string, { version: number; channel: PaymentChannel }>()

export function isChannelKind(value: unknown): value is ChannelKind {
  return CHANNEL_KINDS.includes(value as ChannelKind)
}

/** What staff see of an account: everything but the secrets, which are only named. */
function present(row: AccountRow) {
  return {
    channel: row.channel,
    enabled: row.enabled,
    merchantId: row.merchant_id,
    settings: row.settings,
    secretsSet: SECRET_FIELDS[row.channel],
    methods: PAYMENT_METHODS[row.channel],
    test: { status: row.test_status, testedAt: row.tested_at, error: row.test_error },
    updatedAt: row.updated_at,
  }
}

/** Refuses keys and certificates that do not parse, naming the field. */
function assertUsable(kind: ChannelKind, credentials: Record<string, unknown>) {
  const checks: [string, (text: string) => unknown][] = [
    ['privateKey', (text) => createPrivateKey(text)],
    ['signPrivateKey', (text) => createPrivateKey(text)],
    ['publicKey', (text) => createPublicKey(text)],
    ['alipayPublicKey', (text) => createPublicKey(text)],
    ['signCertificate', (text) => new X509Certificate(text)],
    ['rootCertificate', (text) => new X509Certificate(text)],
    ['middleCertificate', (text) => new X509Certificate(text)],
  ]
  for (const [field, parse] of checks) {
    const value = credentials[field]
    if (typeof value !== 'string') continue
    try {
      parse(value)
    } catch {
      throw invalid(field, `This ${field} cannot be read: paste the whole PEM text`, 'E_BAD_KEY')
    }
  }
  if (kind === 'unionpay' && typeof credentials.signPrivateKey === 'string' && typeof credentials.signCertificate === 'string') {
    const certificateKey = new X509Certificate(credentials.signCertificate).publicKey.export({ type: 'spki', format: 'pem' })
    const privateKeyPublic = createPublicKey(createPrivateKey(credentials.signPrivateKey)).export({ type: 'spki', format: 'pem' })
    if (certificateKey !== privateKeyPublic) throw invalid('signPrivateKey', 'This private key does not belong to the signing certificate', 'E_KEY_MISMATCH')
  }
}

export default class PaymentAccounts {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new PaymentAccounts(tenant)
  }

  async list() {
    return runInTenant(this.tenant, async (trx) => {
      const rows: AccountRow[] = await trx.from('payment_accounts').orderBy('channel')
      return rows.map(present)
    })
  }

  async show(kind: ChannelKind) {
    return runInTenant(this.tenant, async (trx) => present(await this.#row(trx, kind)))
  }

  /** The channels a visitor can pay with, and how. */
  async enabledChannels(trx: TenantTransaction) {
    const rows: Pick<AccountRow, 'channel'>[] = await trx.from('payment_accounts').where('enabled', true).select('channel').orderBy('channel')
    return rows.map(({ channel }) => ({ channel, methods: PAYMENT_METHODS[channel] }))
  }

  /** Creates or updates the account of a channel (input already validated for that channel). */
  async save(kind: ChannelKind, input: Record<string, unknown> & { enabled?: boolean }) {
    const { enabled, ...credentials } = input
    assertUsable(kind, credentials)
    const secretNames = SECRET_FIELDS[kind] as string[]
    const settings = Object.fromEntries(Object.entries(credentials).filter(([name, value]) => !secretNames.includes(name) && value !== undefined))
    const given = Object.fromEntries(Object.entries(credentials).filter(([name, value]) => secretNames.includes(name) && value !== undefined))

    const saved = await runInTenant(this.tenant, async (trx) => {
      const existing: AccountRow | undefined = await trx.from('payment_accounts').where('channel', kind).forUpdate().first()
      const secrets = { ...(existing ? encryption.decrypt<Record<string, string>>(existing.secrets) : {}), ...given }
      const missing = secretNames.filter((name) => !secrets[name])
      if (missing.length) throw invalid(missing[0], `${missing[0]} is required for a new ${kind} account`, 'E_SECRET_REQUIRED')
      assertUsable(kind, { ...settings, ...secrets })

      const values = {
        channel: kind,
        enabled: enabled ?? existing?.enabled ?? true,
        merchant_id: String(settings[MERCHANT_ID_FIELD[kind]]),
        settings: JSON.stringify(settings),
        secrets: encryption.encrypt(secrets),
        test_status: 'untested',
        tested_at: null,
        test_error: null,
        updated_at: new Date(),
      }
      const [row]: AccountRow[] = existing
        ? await trx.from('payment_accounts').where('id', existing.id).update(values).returning('*')
        : await trx.table('payment_accounts').insert(values).returning('*')
      await auditLog.tenant(trx, {
        action: existing ? 'payment_account.updated' : 'payment_account.created',
        subjectType: 'payment_account',
        subjectId: kind,
        before: existing ? { ...present(existing), test: undefined } : null,
        after: { ...present(row), test: undefined },
        meta: { secretsRotated: Object.keys(given) },
      })
      return row
    })
    return present(saved)
  }

  /** Proves the credentials work with a signed call to the channel; records the result. */
  async test(kind: ChannelKind) {
    const channel = await this.channel(kind, { includeDisabled: true })
    let error: string | null = null
    try {
      await channel.testConnection()
    } catch (failure: any) {
      error = String(failure?.message ?? failure).slice(0, 500)
    }
    return runInTenant(this.tenant, async (trx) => {
      const [row]: AccountRow[] = await trx
        .from('payment_accounts')
        .where('channel', kind)
        .update({ test_status: error ? 'failed' : 'ok', tested_at: new Date(), test_error: error })
        .returning('*')
      await auditLog.tenant(trx, { action: 'payment_account.tested', subjectType: 'payment_account', subjectId: kind, outcome: error ? 'failure' : 'success', meta: { error } })
      return present(row)
    })
  }

  /** The channel implementation of this venue's account for `kind`. */
  async channel(kind: ChannelKind, options: { includeDisabled?: boolean; client?: TenantTransaction } = {}): Promise<PaymentChannel> {
    const load = async (trx: TenantTransaction) => this.#row(trx, kind)
    const row = options.client ? await load(options.client) : await runInTenant(this.tenant, load)
    if (!row.enabled && !options.includeDisabled) {
      throw new AppError(`${kind} payments are not enabled at this venue`, { status: 422, code: 'E_CHANNEL_DISABLED', field: 'channel' })
    }
    const key = `${this.tenant.schemaName}:${kind}`
    const version = new Date(row.updated_at).getTime()
    const cached = channels.get(key)
    if (cached && cached.version === version) return cached.channel
    const credentials = { ...row.settings, ...encryption.decrypt<Record<string, string>>(row.secrets) } as unknown as ChannelCredentials[typeof kind]
    const channel = createChannel(kind, credentials)
    channels.set(key, { version, channel })
    return channel
  }

  async #row(trx: TenantTransaction, kind: ChannelKind): Promise<AccountRow> {
    const row: AccountRow | undefined = await trx.from('payment_accounts').where('channel', kind).first()
    if (!row) throw notFound(`This venue has no ${kind} account`, 'E_CHANNEL_NOT_CONFIGURED')
    return row
  }
}
