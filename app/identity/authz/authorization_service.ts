/*
 * Who may do what, decided by casbin (RBAC with domains). A domain is one tenant (`t<id>`) or the
 * platform. Rules are rows: a tenant's in its own schema (authz_rules), the platform's in
 * public.platform_authz_rules. Changes are made with SQL in the caller's transaction and announced
 * with NOTIFY, which PostgreSQL delivers at commit to every app process; each process then drops
 * its cached enforcer for that domain and reloads it on next use.
 */
import { newEnforcer, newModelFromString, type Enforcer } from 'casbin'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import { BUILTIN_ROLES, PLATFORM_ROLES } from '#identity/authz/permissions'

/* casbin keeps an enforcer's rules inside its model: every enforcer parses its own. */
const MODEL_TEXT = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && (p.obj == "*" || r.obj == p.obj) && (p.act == "*" || r.act == p.act)
`

const CHANNEL = 'tessera_authz'
export const PLATFORM_DOMAIN = 'platform'
const PLATFORM_TABLE = 'platform_authz_rules'
const TENANT_TABLE = 'authz_rules'

type Rule = { ptype: string; v0: string; v1: string; v2: string; v3: string | null }

export function tenantDomain(tenantId: number) {
  return `t${tenantId}`
}
export function staffSubject(staffId: number) {
  return `staff:${staffId}`
}
export function platformSubject(userId: number) {
  return `platform:${userId}`
}

class AuthorizationService {
  #enforcers = new Map<string, Promise<Enforcer>>()
  #listening?: Promise<void>

  /** Is `subject` allowed `permission` (resource:action) in `domain`? */
  async allows(domain: string, subject: string, permission: string, load: () => Promise<Rule[]>) {
    await this.#listen()
    const [obj, act] = permission.split(':')
    let enforcer = this.#enforcers.get(domain)
    if (!enforcer) {
      enforcer = this.#build(load)
      this.#enforcers.set(domain, enforcer)
      enforcer.catch(() => this.#enforcers.delete(domain))
    }
    return (await enforcer).enforce(subject, domain, obj, act)
  }

  staffAllows(tenant: { id: number; schemaName: string }, staffId: number, permission: string) {
    return this.allows(tenantDomain(tenant.id), staffSubject(staffId), permission, () =>
      runInTenant(tenant, (trx) => trx.from(TENANT_TABLE).select('ptype', 'v0', 'v1', 'v2', 'v3'))
    )
  }

  platformAllows(userId: number, permission: string) {
    return this.allows(PLATFORM_DOMAIN, platformSubject(userId), permission, () =>
      db.from(PLATFORM_TABLE).select('ptype', 'v0', 'v1', 'v2', 'v3')
    )
  }

  /** Roles of a staff member, by key. */
  async staffRoles(trx: TenantTransaction, staffId: number): Promise<string[]> {
    const rows = await trx.from(TENANT_TABLE).where({ ptype: 'g', v0: staffSubject(staffId) }).select('v1')
    return rows.map((row) => row.v1)
  }

  /** Roles of every staff member of the tenant, by staff id (one query). */
  async allStaffRoles(trx: TenantTransaction): Promise<Map<number, string[]>> {
    const rows = await trx.from(TENANT_TABLE).where('ptype', 'g').whereLike('v0', 'staff:%').orderBy('id').select('v0', 'v1')
    const roles = new Map<number, string[]>()
    for (const row of rows) {
      const id = Number(row.v0.slice('staff:'.length))
      roles.set(id, [...(roles.get(id) ?? []), row.v1])
    }
    return roles
  }

  /** Permission rules of a role in this tenant. */
  async rolePermissions(trx: TenantTransaction, roleKey: string): Promise<string[]> {
    const rows = await trx.from(TENANT_TABLE).where({ ptype: 'p', v0: roleKey }).select('v2', 'v3')
    return rows.map((row) => `${row.v2}:${row.v3}`).sort()
  }

  /** Writes the built-in roles and their rules into a new tenant schema. */
  async seedTenant(trx: TenantTransaction, tenantId: number) {
    const now = new Date()
    await trx.table('roles').multiInsert(
      Object.entries(BUILTIN_ROLES).map(([key, role]) => ({
        key,
        name: role.name,
        description: role.description,
        builtin: true,
        created_at: now,
        updated_at: now,
      }))
    )
    const rules = Object.entries(BUILTIN_ROLES).flatMap(([key, role]) =>
      role.permissions.map((permission) => this.#permissionRule(key, tenantDomain(tenantId), permission))
    )
    await trx.table(TENANT_TABLE).multiInsert(rules)
  }

  async setRolePermissions(trx: TenantTransaction, tenantId: number, roleKey: string, permissions: string[]) {
    await trx.from(TENANT_TABLE).where({ ptype: 'p', v0: roleKey }).delete()
    if (permissions.length) {
      await trx.table(TENANT_TABLE).multiInsert(permissions.map((p) => this.#permissionRule(roleKey, tenantDomain(tenantId), p)))
    }
    await this.#announce(trx, tenantDomain(tenantId))
  }

  async deleteRole(trx: TenantTransaction, tenantId: number, roleKey: string) {
    await trx.from(TENANT_TABLE).where((q) => q.where({ ptype: 'p', v0: roleKey }).orWhere({ ptype: 'g', v1: roleKey })).delete()
    await this.#announce(trx, tenantDomain(tenantId))
  }

  /** Replaces a staff member's roles. */
  async setStaffRoles(trx: TenantTransaction, tenantId: number, staffId: number, roleKeys: string[]) {
    const domain = tenantDomain(tenantId)
    await trx.from(TENANT_TABLE).where({ ptype: 'g', v0: staffSubject(staffId) }).delete()
    if (roleKeys.length) {
      await trx.table(TENANT_TABLE).multiInsert(roleKeys.map((key) => ({ ptype: 'g', v0: staffSubject(staffId), v1: key, v2: domain })))
    }
    await this.#announce(trx, domain)
  }

  /** Creates the platform roles' rules if missing (idempotent). */
  async seedPlatform(client: QueryClientContract = db.connection()) {
    const existing = await client.from(PLATFORM_TABLE).where('ptype', 'p').count('* as total')
    if (Number(existing[0].total) > 0) return
    await client
      .table(PLATFORM_TABLE)
      .multiInsert(Object.entries(PLATFORM_ROLES).flatMap(([key, perms]) => perms.map((p) => this.#permissionRule(key, PLATFORM_DOMAIN, p))))
    await this.#announce(client, PLATFORM_DOMAIN)
  }

  async setPlatformRoles(client: QueryClientContract, userId: number, roleKeys: string[]) {
    await client.from(PLATFORM_TABLE).where({ ptype: 'g', v0: platformSubject(userId) }).delete()
    if (roleKeys.length) {
      await client.table(PLATFORM_TABLE).multiInsert(roleKeys.map((key) => ({ ptype: 'g', v0: platformSubject(userId), v1: key, v2: PLATFORM_DOMAIN })))
    }
    await this.#announce(client, PLATFORM_DOMAIN)
  }

  /** Drops cached enforcers (all, or one domain). */
  forget(domain?: string) {
    if (domain) this.#enforcers.delete(domain)
    else this.#enforcers.clear()
  }

  #permissionRule(role: string, domain: string, permission: string) {
    const [obj, act] = permission.split(':')
    return { ptype: 'p', v0: role, v1: domain, v2: obj, v3: act }
  }

  async #build(load: () => Promise<Rule[]>) {
    const enforcer = await newEnforcer(newModelFromString(MODEL_TEXT))
    const rules = await load()
    const policies = rules.filter((r) => r.ptype === 'p').map((r) => [r.v0, r.v1, r.v2, r.v3 ?? ''])
    const groupings = rules.filter((r) => r.ptype === 'g').map((r) => [r.v0, r.v1, r.v2])
    if (policies.length) await enforcer.addPolicies(policies)
    if (groupings.length) await enforcer.addGroupingPolicies(groupings)
    return enforcer
  }

  async #announce(client: QueryClientContract, domain: string) {
    this.#enforcers.delete(domain)
    await client.rawQuery('select pg_notify(?, ?)', [CHANNEL, domain])
  }

  /** One LISTEN connection per process, outside the pool. */
  #listen() {
    this.#listening ??= (async () => {
      const knexClient = db.connection().getWriteClient().client as any
      const connection = await knexClient.acquireRawConnection()
      connection.on('notification', (message: { payload?: string }) => this.forget(message.payload))
      connection.on('error', (error: Error) => {
        logger.warn({ err: error }, 'authorization change listener lost; enforcers will be rebuilt')
        this.forget()
        this.#listening = undefined
      })
      await connection.query(`LISTEN ${CHANNEL}`)
      this.#connection = connection
    })().catch((error) => {
      this.#listening = undefined
      throw error
    })
    return this.#listening
  }

  #connection?: { end(): Promise<void> }

  /** Closes the LISTEN connection (app shutdown, tests). */
  async close() {
    await this.#connection?.end().catch(() => {})
    this.#connection = undefined
    this.#listening = undefined
    this.forget()
  }
}

export default new AuthorizationService()
