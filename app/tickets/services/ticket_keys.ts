/*
 * A venue's ticket-signing keys (Ed25519). One is active and signs new codes; retired ones keep
 * verifying what they signed, so rotating never invalidates a ticket already sent. Private keys
 * are encrypted with the app key; public keys are handed to the venue's gates for offline checks.
 * Keys are cached per process for a minute (they change rarely; an unknown kid reloads at once).
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import encryption from '@adonisjs/core/services/encryption'
import { auditLog } from '#identity/audit/audit_log'
import { publicKeyFromRaw } from '#tickets/services/ticket_codes'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface TicketKey {
  kid: string
  publicKey: string
  status: 'active' | 'retired'
  createdAt: Date
}

interface LoadedKeys {
  active?: { kid: string; privateKey: KeyObject }
  verifiers: Map<string, KeyObject>
  list: TicketKey[]
  until: number
}

const CACHE_MS = 60_000
const cache = new Map<string, LoadedKeys>()

function newKeyRow() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return {
    kid: randomBytes(4).toString('hex'),
    public_key: publicKey.export({ format: 'jwk' }).x as string,
    private_key: encryption.encrypt(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    status: 'active',
  }
}

async function load(trx: TenantTransaction): Promise<LoadedKeys> {
  const rows: { kid: string; public_key: string; private_key: string; status: 'active' | 'retired'; created_at: Date }[] = await trx
    .from('ticket_keys')
    .orderBy('id')
  const active = rows.filter((row) => row.status === 'active').at(-1)
  return {
    active: active ? { kid: active.kid, privateKey: createPrivateKey(encryption.decrypt<string>(active.private_key)!) } : undefined,
    verifiers: new Map(rows.map((row) => [row.kid, publicKeyFromRaw(row.public_key)])),
    list: rows.map((row) => ({ kid: row.kid, publicKey: row.public_key, status: row.status, createdAt: row.created_at })),
    until: Date.now() + CACHE_MS,
  }
}

export const TicketKeys = {
  /** The active signing key, created on first use (in the caller's transaction). */
  async signer(tenant: Tenant, trx: TenantTransaction) {
    let keys = cache.get(tenant.schemaName)
    if (!keys?.active || keys.until < Date.now()) {
      // Two first issues at once: the advisory lock makes the second find the first one's key.
      await trx.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [`ticket-keys:${tenant.schemaName}`])
      keys = await load(trx)
      if (!keys.active) {
        await trx.table('ticket_keys').insert(newKeyRow())
        keys = await load(trx)
      }
      cache.set(tenant.schemaName, keys)
    }
    return keys.active!
  },

  /** The key that verifies codes with this kid, if the venue has one. */
  async verifier(tenant: Tenant, kid: string): Promise<KeyObject | undefined> {
    let keys = cache.get(tenant.schemaName)
    if (!keys || keys.until < Date.now() || !keys.verifiers.has(kid)) {
      keys = await runInTenant(tenant, load)
      cache.set(tenant.schemaName, keys)
    }
    return keys.verifiers.get(kid)
  },

  /** Every key, for gates (public keys only). */
  async list(tenant: Tenant): Promise<TicketKey[]> {
    return (await runInTenant(tenant, load)).list
  },

  /** A new active key; the old ones retire and keep verifying. */
  async rotate(tenant: Tenant) {
    const kid = await runInTenant(tenant, async (trx) => {
      await trx.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [`ticket-keys:${tenant.schemaName}`])
      await trx.from('ticket_keys').where('status', 'active').update({ status: 'retired', retired_at: new Date() })
      const row = newKeyRow()
      await trx.table('ticket_keys').insert(row)
      await auditLog.tenant(trx, { action: 'ticket_keys.rotated', subjectType: 'ticket_key', subjectId: row.kid })
      return row.kid
    })
    cache.delete(tenant.schemaName)
    return kid
  },
}
