/*
 * A venue's roles: the built-in ones (read-only, defined in permissions.ts) and custom ones made
 * from VENUE_PERMISSIONS. A role's permissions are casbin rules (authorization_service); each
 * change is audited in the same tenant transaction. A role is deleted only when nobody holds it.
 */
import { AppError, invalid, notFound } from '#core/app_error'
import Role from '#identity/models/role'
import { VENUE_PERMISSIONS } from '#identity/authz/permissions'
import authorization from '#identity/authz/authorization_service'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface RoleDefinition {
  name: string
  description?: string
  permissions: string[]
}

/** How many staff members hold each role, by role key. */
async function memberCounts(trx: TenantTransaction): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const keys of (await authorization.allStaffRoles(trx)).values()) {
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

async function present(trx: TenantTransaction, role: Role, counts: Map<string, number>) {
  return { ...role.serialize(), permissions: await authorization.rolePermissions(trx, role.key), memberCount: counts.get(role.key) ?? 0 }
}

export default class RoleCatalog {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new RoleCatalog(tenant)
  }

  static permissions() {
    return Object.entries(VENUE_PERMISSIONS).map(([key, label]) => ({ key, label }))
  }

  list() {
    return runInTenant(this.tenant, async (trx) => {
      const roles = await Role.query({ client: trx }).orderBy('builtin', 'desc').orderBy('key')
      const counts = await memberCounts(trx)
      const presented = []
      for (const role of roles) presented.push(await present(trx, role, counts))
      return presented
    })
  }

  create(key: string, definition: RoleDefinition) {
    return runInTenant(this.tenant, async (trx) => {
      if (await Role.query({ client: trx }).where('key', key).first()) {
        throw invalid('key', 'A role with this key already exists', 'E_ROLE_KEY_TAKEN')
      }
      const role = await Role.create(
        { key, name: definition.name, description: definition.description ?? null, builtin: false },
        { client: trx }
      )
      await authorization.setRolePermissions(trx, this.tenant.id, key, definition.permissions)
      const after = await present(trx, role, new Map())
      await auditLog.tenant(trx, { action: 'role.created', subjectType: 'role', subjectId: key, after })
      return after
    })
  }

  update(key: string, definition: RoleDefinition) {
    return runInTenant(this.tenant, async (trx) => {
      const role = await this.#findCustom(trx, key)
      const counts = await memberCounts(trx)
      const before = await present(trx, role, counts)
      role.merge({ name: definition.name, description: definition.description ?? null })
      await role.save()
      await authorization.setRolePermissions(trx, this.tenant.id, key, definition.permissions)
      const after = await present(trx, role, counts)
      await auditLog.tenant(trx, { action: 'role.updated', subjectType: 'role', subjectId: key, before, after })
      return after
    })
  }

  delete(key: string) {
    return runInTenant(this.tenant, async (trx) => {
      const role = await this.#findCustom(trx, key)
      const before = await present(trx, role, await memberCounts(trx))
      if (before.memberCount > 0) {
        throw new AppError(`${before.memberCount} staff member(s) hold this role; give them another role first`, {
          status: 409,
          code: 'E_ROLE_IN_USE',
        })
      }
      await authorization.deleteRole(trx, this.tenant.id, key)
      await role.delete()
      await auditLog.tenant(trx, { action: 'role.deleted', subjectType: 'role', subjectId: key, before })
    })
  }

  /** A custom role, locked for the rest of the transaction (see StaffDirectory: grants lock it FOR SHARE). */
  async #findCustom(trx: TenantTransaction, key: string) {
    const role = await Role.query({ client: trx }).where('key', key).forUpdate().first()
    if (!role) throw notFound('No such role', 'E_ROLE_NOT_FOUND')
    if (role.builtin) {
      throw new AppError('Built-in roles cannot be changed or deleted; create a custom role instead', { status: 409, code: 'E_BUILTIN_ROLE' })
    }
    return role
  }
}
