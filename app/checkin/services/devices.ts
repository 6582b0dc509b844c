/*
 * Gates, turnstiles, face gates and handheld scanners. Each has its own key, issued once in the
 * console (shown once, stored encrypted) and revocable; every device request is signed with it
 * (device_signature.ts). A request more than 5 minutes off, or repeating a nonce, is refused (401).
 */
import { randomBytes } from 'node:crypto'
import { DEVICE_SCHEME, deviceKey } from '#checkin/device_signature'
import { checkSignedRequest, type SignatureRefusal } from '#core/signed_requests'
import encryption from '@adonisjs/core/services/encryption'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export type DeviceKind = 'gate' | 'scanner' | 'face_gate'

export interface Device {
  id: number
  name: string
  kind: DeviceKind
  siteId: number
  keyId: string
  status: 'active' | 'revoked'
  lastSeenAt: Date | null
  lastHeartbeat: Record<string, unknown>
  createdAt: Date
}

/**
 * A gate signs every scan: its key is read once per few seconds, not per request. Revoking in
 * this process drops the cache at once; other processes follow within this time.
 */
const KEY_CACHE_MS = 5_000
const keyCache = new Map<string, { row: any; secret: string; until: number }>()
const lastSeenWritten = new Map<string, number>()

function present(row: any): Device {
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    siteId: Number(row.site_id),
    keyId: row.key_id,
    status: row.status,
    lastSeenAt: row.last_seen_at,
    lastHeartbeat: row.last_heartbeat,
    createdAt: row.created_at,
  }
}

const REFUSALS: Record<SignatureRefusal, string> = {
  unsigned: 'Sign device requests: Authorization: TESSERA-DEVICE keyId=…,timestamp=…,nonce=…,signature=…',
  unknown_key: 'Unknown or revoked device key',
  bad_signature: 'Bad device signature',
  stale: 'The request timestamp is more than 5 minutes off: check the device clock',
  replayed: 'This request was already received (nonce reused)',
}

export default class Devices {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Devices(tenant)
  }

  async list() {
    return runInTenant(this.tenant, async (trx) => (await trx.from('devices').orderBy('id')).map(present))
  }

  /** A new device and its key; the key is in this answer only. */
  async register(input: { name: string; kind: DeviceKind; siteId: number }) {
    const secret = randomBytes(32).toString('base64url')
    return runInTenant(this.tenant, async (trx) => {
      if (!(await trx.from('sites').where('id', input.siteId).first())) throw invalid('siteId', 'No such site', 'E_SITE_NOT_FOUND')
      const [row] = await trx
        .table('devices')
        .insert({ name: input.name, kind: input.kind, site_id: input.siteId, key_id: `dk_${randomBytes(10).toString('hex')}`, key_secret: encryption.encrypt(secret) })
        .returning('*')
      const device = present(row)
      await auditLog.tenant(trx, { action: 'device.registered', subjectType: 'device', subjectId: device.id, after: device })
      return { device, secret }
    })
  }

  async revoke(id: number) {
    return runInTenant(this.tenant, async (trx) => {
      const [row] = await trx.from('devices').where('id', id).update({ status: 'revoked', revoked_at: new Date(), updated_at: new Date() }).returning('*')
      if (!row) throw notFound('No such device', 'E_DEVICE_NOT_FOUND')
      keyCache.delete(`${this.tenant.schemaName}:${row.key_id}`)
      await auditLog.tenant(trx, { action: 'device.revoked', subjectType: 'device', subjectId: id })
      return present(row)
    })
  }

  /** The device that signed this request, or a 401. */
  async authenticate(request: { authorization?: string; method: string; pathWithQuery: string; body: string }): Promise<Device> {
    const checked = await checkSignedRequest(DEVICE_SCHEME, this.tenant.schemaName, request, async (keyId) => {
      const key = await this.#key(keyId)
      return key ? { key: deviceKey(key.secret), signer: key.row } : null
    })
    if (!checked.ok) throw new AppError(REFUSALS[checked.reason], { status: 401, code: 'E_DEVICE_UNAUTHORIZED' })
    await this.#touch(checked.signer)
    return present(checked.signer)
  }

  async #key(keyId: string) {
    const cacheKey = `${this.tenant.schemaName}:${keyId}`
    const cached = keyCache.get(cacheKey)
    if (cached && cached.until > Date.now()) return cached
    const row = await runInTenant(this.tenant, (trx) => trx.from('devices').where('key_id', keyId).first())
    if (!row || row.status !== 'active') return null
    const entry = { row, secret: encryption.decrypt<string>(row.key_secret)!, until: Date.now() + KEY_CACHE_MS }
    keyCache.set(cacheKey, entry)
    return entry
  }

  async heartbeat(device: Device, report: Record<string, unknown>) {
    await runInTenant(this.tenant, (trx) =>
      trx.from('devices').where('id', device.id).update({ last_seen_at: new Date(), last_heartbeat: JSON.stringify(report), updated_at: new Date() })
    )
  }

  /** Last seen, written at most once a minute per device. */
  async #touch(row: any) {
    const now = Date.now()
    if ((lastSeenWritten.get(row.key_id) ?? 0) > now - 60_000) return
    lastSeenWritten.set(row.key_id, now)
    await runInTenant(this.tenant, (trx) => trx.from('devices').where('id', row.id).update({ last_seen_at: new Date() }))
  }
}
