/*
 * Gates, turnstiles, face gates and handheld scanners. Each has its own key, issued once in the
 * console (shown once, stored encrypted) and revocable; every device request is signed with it
 * (device_signature.ts). A request more than 5 minutes off, or repeating a nonce, is refused (401).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { deviceSignature } from '#checkin/device_signature'
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

const MAX_SKEW_SECONDS = 300
/**
 * A gate signs every scan: its key is read once per few seconds, not per request. Revoking in
 * this process drops the cache at once; other processes follow within this time.
 */
const KEY_CACHE_MS = 5_000
const keyCache = new Map<string, { row: any; secret: string; until: number }>()
const seenNonces = new Map<string, number>()
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

const refused = (message: string) => new AppError(message, { status: 401, code: 'E_DEVICE_UNAUTHORIZED' })

function parseAuthorization(header: string | undefined) {
  const match = header?.match(/^TESSERA-DEVICE\s+(.+)$/)
  if (!match) return null
  const fields = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]))
  return fields.keyId && fields.timestamp && fields.nonce && fields.signature ? fields : null
}

/** Nonces of the last few minutes, per process: a replayed request is refused. */
function firstUse(keyId: string, nonce: string): boolean {
  const now = Date.now()
  if (seenNonces.size > 50_000) for (const [key, until] of seenNonces) if (until < now) seenNonces.delete(key)
  const key = `${keyId}:${nonce}`
  if ((seenNonces.get(key) ?? 0) > now) return false
  seenNonces.set(key, now + 2 * MAX_SKEW_SECONDS * 1000)
  return true
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
    const auth = parseAuthorization(request.authorization)
    if (!auth) throw refused('Sign device requests: Authorization: TESSERA-DEVICE keyId=…,timestamp=…,nonce=…,signature=…')
    if (Math.abs(Date.now() / 1000 - Number(auth.timestamp)) > MAX_SKEW_SECONDS) throw refused('The request timestamp is more than 5 minutes off: check the device clock')
    const key = await this.#key(auth.keyId)
    if (!key) throw refused('Unknown or revoked device key')
    const { row, secret } = key
    const expected = Buffer.from(deviceSignature(secret, { ...request, timestamp: auth.timestamp, nonce: auth.nonce }))
    const given = Buffer.from(auth.signature)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refused('Bad device signature')
    if (!firstUse(auth.keyId, auth.nonce)) throw refused('This request was already received (nonce reused)')
    await this.#touch(row)
    return present(row)
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
