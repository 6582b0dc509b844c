/*
 * Access tokens of venue staff (console API, scripts), stored in the tenant's own schema. A token
 * presented at another tenant finds no row there, or a row whose hash does not match.
 */
import { symbols } from '@adonisjs/auth'
import { AccessToken } from '@adonisjs/auth/access_tokens'
import type { AccessTokensGuardUser, AccessTokensUserProviderContract } from '@adonisjs/auth/types/access_tokens'
import type { Secret } from '@adonisjs/core/helpers'
import StaffUser from '#identity/models/staff_user'
import { currentContext, realms } from '#identity/auth/realms'
import type { TenantTransaction } from '#tenancy/services/tenant_database'

const TABLE = 'staff_access_tokens'
const TYPE = 'staff_api'
export const STAFF_TOKEN_PREFIX = 'tst_'

function tokenAttributes(row: any) {
  return {
    identifier: row.id,
    tokenableId: row.tokenable_id,
    type: row.type,
    name: row.name,
    hash: row.hash,
    abilities: JSON.parse(row.abilities),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  }
}

export class StaffTokensProvider implements AccessTokensUserProviderContract<StaffUser> {
  declare [symbols.PROVIDER_REAL_USER]: StaffUser

  async createUserForGuard(user: StaffUser): Promise<AccessTokensGuardUser<StaffUser>> {
    return { getId: () => user.id, getOriginal: () => user }
  }

  /** Creates a token inside the caller's tenant unit of work (the user must be loaded with it). */
  async createToken(user: StaffUser, abilities: string[] = ['*'], options?: { name?: string; expiresIn?: string | number }) {
    const trx = user.$trx as TenantTransaction | undefined
    if (!trx) throw new Error('Create staff tokens inside a tenant unit of work')
    return StaffTokensProvider.issue(trx, user, abilities, options)
  }

  static async issue(trx: TenantTransaction, user: StaffUser, abilities: string[] = ['*'], options?: { name?: string; expiresIn?: string | number }) {
    const transient = AccessToken.createTransientToken(user.id, 40, options?.expiresIn ?? '30 days')
    const now = new Date()
    const [row] = await trx
      .table(TABLE)
      .insert({
        tokenable_id: user.id,
        type: TYPE,
        name: options?.name ?? null,
        hash: transient.hash,
        abilities: JSON.stringify(abilities),
        created_at: now,
        updated_at: now,
        expires_at: transient.expiresAt ?? null,
      })
      .returning('*')
    return new AccessToken({ ...tokenAttributes(row), prefix: STAFF_TOKEN_PREFIX, secret: transient.secret })
  }

  async invalidateToken(tokenValue: Secret<string>): Promise<boolean> {
    const decoded = AccessToken.decode(STAFF_TOKEN_PREFIX, tokenValue.release())
    if (!decoded) return false
    return realms.staff.run(currentContext(), async (trx) => {
      const deleted = await trx!.from(TABLE).where({ id: decoded.identifier, type: TYPE }).delete()
      return Number(deleted) > 0
    })
  }

  async findById(identifier: string | number | BigInt): Promise<AccessTokensGuardUser<StaffUser> | null> {
    const user = await realms.staff.find(currentContext(), Number(identifier))
    return user && user.status === 'active' ? this.createUserForGuard(user) : null
  }

  async verifyToken(tokenValue: Secret<string>): Promise<AccessToken | null> {
    const decoded = AccessToken.decode(STAFF_TOKEN_PREFIX, tokenValue.release())
    if (!decoded || !/^\d+$/.test(decoded.identifier)) return null
    return realms.staff.run(currentContext(), async (trx) => {
      const row = await trx!.from(TABLE).where({ id: decoded.identifier, type: TYPE }).first()
      if (!row) return null
      const token = new AccessToken(tokenAttributes(row))
      if (!token.verify(decoded.secret) || token.isExpired()) return null
      await trx!.from(TABLE).where('id', row.id).update({ last_used_at: new Date() })
      return token
    })
  }
}
