/*
 * A venue's staff accounts, their roles and their API tokens. Each change runs in one tenant
 * transaction together with its audit record. Rules:
 * - an email is used by one staff member of the venue, whatever its case;
 * - the venue always keeps an active owner;
 * - a role is granted only by someone holding roles:write or every permission the role gives,
 *   so the owner role needs roles:write and staff:write alone cannot raise anyone's rights;
 * - disabling someone ends their sessions (session epoch) and deletes their tokens.
 */
import hash from '@adonisjs/core/services/hash'
import { AppError, forbidden, invalid, notFound } from '#core/app_error'
import StaffUser from '#identity/models/staff_user'
import Role from '#identity/models/role'
import type { AccountStatus } from '#identity/models/credentials'
import authorization from '#identity/authz/authorization_service'
import { auditLog } from '#identity/audit/audit_log'
import { StaffTokensProvider } from '#identity/auth/staff_tokens_provider'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import { planLimits } from '#platform/services/plans'
import type Tenant from '#tenancy/models/tenant'

const OWNER_ROLE = 'owner'
const TOKENS_TABLE = 'staff_access_tokens'
const DEFAULT_TOKEN_DAYS = 30

/** Whoever makes a change: what they may do (their roles, narrowed by their token's abilities). */
export interface Grantor {
  holds(permission: string): Promise<boolean>
}

export interface NewStaff {
  fullName: string
  email: string
  phone?: string
  password: string
  roles: string[]
}

export interface StaffChanges {
  fullName?: string
  phone?: string | null
  status?: AccountStatus
  roles?: string[]
}

export interface NewAccessToken {
  name: string
  abilities?: string[]
  expiresInDays?: number
}

/** A staff member as the API and the audit log show them (serialize() leaves out password and secrets). */
function present(member: StaffUser, roles: string[]) {
  return { ...member.serialize(), twoFactorEnabled: member.hasTwoFactor, roles }
}

async function presentWithRoles(trx: TenantTransaction, member: StaffUser) {
  return present(member, await authorization.staffRoles(trx, member.id))
}

interface TokenRow {
  id: string
  name: string | null
  abilities: string
  createdAt: Date
  lastUsedAt: Date | null
  expiresAt: Date | null
}

/** A token as the API and the audit log show it (the hash is never selected). */
function presentToken(row: TokenRow) {
  return { ...row, abilities: JSON.parse(row.abilities) as string[] }
}

export default class StaffDirectory {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new StaffDirectory(tenant)
  }

  list() {
    return runInTenant(this.tenant, async (trx) => {
      const staff = await StaffUser.query({ client: trx }).orderBy('id')
      const roles = await authorization.allStaffRoles(trx)
      return staff.map((member) => present(member, roles.get(member.id) ?? []))
    })
  }

  async create(input: NewStaff, grantor: Grantor) {
    const passwordHash = await hash.make(input.password) // before the transaction: hashing is slow
    return runInTenant(this.tenant, async (trx) => {
      const taken = await StaffUser.query({ client: trx }).whereRaw('lower(email) = lower(?)', [input.email]).first()
      if (taken) throw invalid('email', 'A staff member with this email already exists', 'E_EMAIL_TAKEN')
      await this.#assertGrantable(trx, grantor, [], input.roles)
      await planLimits.assertStaffRoom(trx, this.tenant)

      const member = await StaffUser.create(
        { fullName: input.fullName, email: input.email, phone: input.phone ?? null, password: passwordHash, status: 'active' },
        { client: trx }
      )
      await member.refresh() // the columns the database defaults, so the result reads like a listing
      await authorization.setStaffRoles(trx, this.tenant.id, member.id, input.roles)
      const after = await presentWithRoles(trx, member)
      await auditLog.tenant(trx, { action: 'staff.created', subjectType: 'staff', subjectId: member.id, after })
      return after
    })
  }

  update(id: number, changes: StaffChanges, grantor: Grantor) {
    return runInTenant(this.tenant, async (trx) => {
      const member = await StaffUser.query({ client: trx }).where('id', id).forUpdate().first()
      if (!member) throw notFound('No such staff member', 'E_STAFF_NOT_FOUND')
      const before = await presentWithRoles(trx, member)
      if (changes.roles) await this.#assertGrantable(trx, grantor, before.roles, changes.roles)

      const wasActive = member.status === 'active'
      const status = changes.status ?? member.status
      // Re-enabling an account takes a place of the plan's staff limit, as creating one does.
      if (!wasActive && status === 'active') await planLimits.assertStaffRoom(trx, this.tenant)
      const roles = changes.roles ?? before.roles
      const wasOwner = wasActive && before.roles.includes(OWNER_ROLE)
      if (wasOwner && (status !== 'active' || !roles.includes(OWNER_ROLE))) {
        // Taking an owner's rights away is as weighty as granting them.
        if (!(await grantor.holds('roles:write'))) await this.#refuse(OWNER_ROLE, 'roles:write', 'Disabling or demoting an owner needs the "roles:write" permission')
        await this.#assertAnotherOwner(trx, member.id)
      }

      if (changes.fullName !== undefined) member.fullName = changes.fullName
      if (changes.phone !== undefined) member.phone = changes.phone
      member.status = status
      if (wasActive && status === 'disabled') {
        member.sessionEpoch += 1
        await trx.from(TOKENS_TABLE).where('tokenable_id', member.id).delete()
      }
      await member.save()
      if (changes.roles) await authorization.setStaffRoles(trx, this.tenant.id, member.id, changes.roles)

      const after = await presentWithRoles(trx, member)
      await auditLog.tenant(trx, { action: 'staff.updated', subjectType: 'staff', subjectId: member.id, before, after })
      return after
    })
  }

  /** Issues a token for `owner`; the plain token is in the result only, never stored or logged. */
  issueToken(owner: StaffUser, input: NewAccessToken) {
    return runInTenant(this.tenant, async (trx) => {
      const token = await StaffTokensProvider.issue(trx, owner, input.abilities ?? ['*'], {
        name: input.name,
        expiresIn: `${input.expiresInDays ?? DEFAULT_TOKEN_DAYS} days`,
      })
      const shown = presentToken(await this.#tokens(trx, owner.id).where('id', String(token.identifier)).firstOrFail())
      await auditLog.tenant(trx, { action: 'access_token.created', subjectType: 'access_token', subjectId: shown.id, after: shown })
      return { ...shown, plainToken: token.value!.release() }
    })
  }

  tokensOf(ownerId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const rows = await this.#tokens(trx, ownerId).orderBy('id', 'desc')
      return rows.map(presentToken)
    })
  }

  /** Deletes one of `ownerId`'s tokens; another member's token is "not found", like a missing one. */
  revokeToken(ownerId: number, tokenId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const token = await this.#tokens(trx, ownerId).where('id', tokenId).first()
      if (!token) throw notFound('No such access token', 'E_TOKEN_NOT_FOUND')
      await trx.from(TOKENS_TABLE).where('id', tokenId).delete()
      await auditLog.tenant(trx, {
        action: 'access_token.revoked',
        subjectType: 'access_token',
        subjectId: tokenId,
        before: presentToken(token),
      })
    })
  }

  #tokens(trx: TenantTransaction, ownerId: number) {
    return trx
      .from(TOKENS_TABLE)
      .where('tokenable_id', ownerId)
      .select('id', 'name', 'abilities', 'created_at as createdAt', 'last_used_at as lastUsedAt', 'expires_at as expiresAt')
  }

  /** The roles exist, and the grantor may hand out those the member does not hold yet. */
  async #assertGrantable(trx: TenantTransaction, grantor: Grantor, held: string[], wanted: string[]) {
    // FOR SHARE: a role cannot be deleted (RoleCatalog locks it FOR UPDATE) while it is being granted.
    const found = await Role.query({ client: trx }).whereIn('key', wanted).forShare()
    const unknown = wanted.filter((key) => !found.some((role) => role.key === key))
    if (unknown.length) throw invalid('roles', `Unknown role: ${unknown.join(', ')}`, 'E_UNKNOWN_ROLE')

    const added = wanted.filter((key) => !held.includes(key))
    if (!added.length || (await grantor.holds('roles:write'))) return
    for (const key of added) {
      for (const permission of await authorization.rolePermissions(trx, key)) {
        if (!(await grantor.holds(permission))) {
          await this.#refuse(key, permission, `Granting the "${key}" role needs the "roles:write" permission or every permission the role gives`)
        }
      }
    }
  }

  /** Like any refusal, audited; in its own transaction, since the refused change rolls back. */
  async #refuse(role: string, missing: string, message: string): Promise<never> {
    await runInTenant(this.tenant, (own) =>
      auditLog.tenant(own, { action: 'authz.denied', outcome: 'denied', subjectType: 'role', subjectId: role, meta: { grant: role, missing } })
    )
    throw forbidden(message, 'E_ROLE_GRANT_DENIED')
  }

  async #assertAnotherOwner(trx: TenantTransaction, memberId: number) {
    // One owner change at a time per venue, so two requests cannot each remove "the other" owner.
    await trx.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [`owners:${trx.tenantSchema}`])
    const roles = await authorization.allStaffRoles(trx)
    const others = [...roles].filter(([id, keys]) => id !== memberId && keys.includes(OWNER_ROLE)).map(([id]) => id)
    const active = others.length ? await StaffUser.query({ client: trx }).whereIn('id', others).where('status', 'active').first() : null
    if (!active) {
      throw new AppError('The venue needs an active owner: make someone else owner first', { status: 409, code: 'E_LAST_OWNER' })
    }
  }
}
