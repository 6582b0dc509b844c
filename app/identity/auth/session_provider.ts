/*
 * Session user provider for every realm. The identifier kept in the session is
 * `<scope>:<account id>:<session epoch>`: another tenant's scope or an older epoch ("log out
 * everywhere", password change) is refused.
 */
import { symbols } from '@adonisjs/auth'
import type { SessionGuardUser, SessionUserProviderContract } from '@adonisjs/auth/types/session'
import { currentContext, type Account, type Realm } from '#identity/auth/realms'

export class RealmSessionProvider<A extends Account> implements SessionUserProviderContract<A> {
  declare [symbols.PROVIDER_REAL_USER]: A

  constructor(readonly realm: Realm<A>) {}

  async createUserForGuard(user: A): Promise<SessionGuardUser<A>> {
    const scope = this.realm.scope(currentContext())
    return {
      // A just-created account has no epoch loaded yet: the column defaults to 0.
      getId: () => `${scope}:${user.id}:${user.sessionEpoch ?? 0}`,
      getOriginal: () => user,
    }
  }

  async findById(identifier: string | number | BigInt): Promise<SessionGuardUser<A> | null> {
    const ctx = currentContext()
    const [scope, id, epoch] = String(identifier).split(':')
    if (scope !== this.realm.scope(ctx) || !/^\d+$/.test(id ?? '')) return null
    const user = await this.realm.find(ctx, Number(id))
    if (!user || user.status !== 'active' || String(user.sessionEpoch ?? 0) !== epoch) return null
    return this.createUserForGuard(user)
  }
}
