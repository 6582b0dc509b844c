/*
 * Signing in, for every realm: password step, then (where enabled or required) a TOTP step.
 * - Throttled per realm and client IP (10 failures / 15 min), in PostgreSQL so all processes agree.
 * - An account is locked for 15 minutes after 5 failures in a row, whoever tries.
 * - Platform staff must use two-factor login (等保 level 3); a first login enrols them.
 * - Every outcome is audited. Failure counters are written in their own transaction, so the
 *   error response does not roll them back.
 */
import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import limiter from '@adonisjs/limiter/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import { AppError } from '#core/app_error'
import { realms, type Account, type Realm, type RealmName } from '#identity/auth/realms'
import { twoFactor } from '#identity/services/two_factor'
import { auditLog, type AuditEntry } from '#identity/audit/audit_log'
import type { TenantTransaction } from '#tenancy/services/tenant_database'

const MAX_FAILURES = 5
const LOCK_MINUTES = 15
const PENDING_KEY = 'login_pending'
const PENDING_TTL_MS = 5 * 60_000

export type LoginResult =
  | { status: 'authenticated'; account: Account }
  | { status: 'two_factor_required' }
  | { status: 'two_factor_setup_required'; secret: string; otpauthUrl: string }

interface PendingLogin {
  scope: string
  id: number
  epoch: number
  at: number
  /** A secret being enrolled (not yet saved on the account). */
  setupSecret?: string
}

const throttle = () => limiter.use({ requests: 10, duration: '15 mins', blockDuration: '15 mins' })

export const invalidCredentials = () =>
  new AppError('The email or password is incorrect', { status: 400, code: 'E_INVALID_CREDENTIALS', field: 'password' })

export class LoginService {
  constructor(readonly realm: Realm) {}

  static for(name: RealmName) {
    return new LoginService(realms[name])
  }

  /** The session guard of this realm. */
  guard(ctx: HttpContext) {
    return ctx.auth.use(this.realm.name)
  }

  twoFactorRequired(_account: Account) {
    return this.realm.name === 'platform'
  }

  async withPassword(ctx: HttpContext, email: string, password: string): Promise<LoginResult> {
    const key = `login:${this.realm.scope(ctx)}:${ctx.request.ip()}`
    await this.#checkThrottle(key)

    const outcome = await this.realm.run(ctx, async (client) => {
      const account = await this.realm.findByEmail(ctx, email, client)
      if (!account?.password) {
        await hash.make(password) // same cost as a real check: no account enumeration by timing
        return { error: invalidCredentials() }
      }
      if (account.isLocked) return { error: this.#lockedError(account) }
      if (!(await hash.verify(account.password, password))) {
        await this.#recordFailure(account, client, 'password')
        return { error: account.isLocked ? this.#lockedError(account) : invalidCredentials() }
      }
      if (account.status !== 'active') {
        return { error: new AppError('This account is disabled', { status: 403, code: 'E_ACCOUNT_DISABLED' }) }
      }
      return { account }
    })
    if (outcome.error) {
      await throttle().increment(key)
      throw outcome.error
    }
    const account = outcome.account!

    if (account.hasTwoFactor) {
      this.#setPending(ctx, account)
      return { status: 'two_factor_required' }
    }
    if (this.twoFactorRequired(account)) {
      const { secret, otpauthUrl } = twoFactor.newSecret(account.email ?? `account-${account.id}`)
      this.#setPending(ctx, account, secret)
      return { status: 'two_factor_setup_required', secret, otpauthUrl }
    }
    return { status: 'authenticated', account: await this.complete(ctx, account) }
  }

  /** Second step: the TOTP code (which also confirms enrolment when one is pending). */
  async withCode(ctx: HttpContext, code: string): Promise<Account> {
    const pending = ctx.session.get(PENDING_KEY) as PendingLogin | undefined
    if (!pending || pending.scope !== this.realm.scope(ctx) || Date.now() - pending.at > PENDING_TTL_MS) {
      throw new AppError('Sign in with your password first', { status: 400, code: 'E_NO_PENDING_LOGIN' })
    }
    const key = `login:${pending.scope}:${ctx.request.ip()}`
    await this.#checkThrottle(key)

    const outcome = await this.realm.run(ctx, async (client) => {
      const account = await this.#load(pending.id, client)
      if (!account || account.sessionEpoch !== pending.epoch || account.status !== 'active') {
        return { error: new AppError('Sign in with your password first', { status: 400, code: 'E_NO_PENDING_LOGIN' }) }
      }
      if (account.isLocked) return { error: this.#lockedError(account) }
      const secret = pending.setupSecret ?? twoFactor.reveal(account)
      const step = secret ? await twoFactor.check(secret, code, account.totpLastStep) : null
      if (step === null) {
        await this.#recordFailure(account, client, 'totp')
        return { error: account.isLocked ? this.#lockedError(account) : this.#wrongCode() }
      }
      account.totpLastStep = step
      if (pending.setupSecret) {
        account.totpSecret = twoFactor.seal(pending.setupSecret)
        account.totpEnabledAt = DateTime.now()
        await this.audit(client, { action: 'auth.two_factor_enabled', subjectType: this.realm.name, subjectId: account.id, actor: this.#actor(account) })
      }
      await account.save()
      return { account }
    })
    if (outcome.error) {
      await throttle().increment(key)
      throw outcome.error
    }
    ctx.session.forget(PENDING_KEY)
    return this.complete(ctx, outcome.account!)
  }

  /** Starts enrolment for a signed-in account; the code sent to `withCode` confirms it. */
  startEnrolment(ctx: HttpContext, account: Account) {
    const { secret, otpauthUrl } = twoFactor.newSecret(account.email ?? `account-${account.id}`)
    this.#setPending(ctx, account, secret)
    return { secret, otpauthUrl }
  }

  /** Turns two-factor login off (not allowed where it is required); needs a current code. */
  async disableTwoFactor(ctx: HttpContext, account: Account, code: string) {
    if (this.twoFactorRequired(account)) {
      throw new AppError('Two-factor login is required for this account', { status: 403, code: 'E_TWO_FACTOR_REQUIRED' })
    }
    await this.realm.run(ctx, async (client) => {
      const fresh = (await this.#load(account.id, client))!
      const secret = twoFactor.reveal(fresh)
      const step = secret ? await twoFactor.check(secret, code, fresh.totpLastStep) : null
      if (step === null) throw this.#wrongCode()
      fresh.merge({ totpSecret: null, totpEnabledAt: null, totpLastStep: step })
      await fresh.save()
      await this.audit(client, { action: 'auth.two_factor_disabled', subjectType: this.realm.name, subjectId: fresh.id })
    })
  }

  /** Records the sign-in and starts the session; returns the account as now stored. */
  async complete(ctx: HttpContext, account: Account): Promise<Account> {
    const fresh = await this.realm.run(ctx, async (client) => {
      const stored = (await this.#load(account.id, client))!
      stored.merge({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: DateTime.now() })
      await stored.save()
      await this.audit(client, { action: 'auth.login', subjectType: this.realm.name, subjectId: account.id, actor: this.#actor(account) })
      return stored
    })
    await this.guard(ctx).login(fresh as any)
    return fresh
  }

  async logout(ctx: HttpContext) {
    const account = this.guard(ctx).user as Account | undefined
    await this.guard(ctx).logout()
    if (account) {
      await this.realm.run(ctx, (client) =>
        this.audit(client, { action: 'auth.logout', subjectType: this.realm.name, subjectId: account.id, actor: this.#actor(account) })
      )
    }
  }

  /** Ends every session of the account (bumps its epoch) and, for staff, revokes its API tokens. */
  async logoutEverywhere(ctx: HttpContext, account: Account) {
    await this.realm.run(ctx, async (client) => {
      const fresh = (await this.#load(account.id, client))!
      fresh.sessionEpoch += 1
      await fresh.save()
      if (this.realm.name === 'staff') await client!.from('staff_access_tokens').where('tokenable_id', fresh.id).delete()
      await this.audit(client, { action: 'auth.logout_everywhere', subjectType: this.realm.name, subjectId: fresh.id, actor: this.#actor(fresh) })
    })
    await this.guard(ctx).logout()
  }

  /** Audits in the realm's log: the tenant's for staff and visitors, the platform's for platform staff. */
  audit(client: TenantTransaction | undefined, entry: AuditEntry) {
    return client ? auditLog.tenant(client, entry) : auditLog.platform(entry)
  }

  async #load(id: number, client: TenantTransaction | undefined): Promise<Account | null> {
    return (this.realm.model as any).find(id, { client }) as Promise<Account | null>
  }

  async #recordFailure(account: Account, client: TenantTransaction | undefined, factor: 'password' | 'totp') {
    account.failedLoginCount += 1
    const locked = account.failedLoginCount >= MAX_FAILURES
    if (locked) {
      account.lockedUntil = DateTime.now().plus({ minutes: LOCK_MINUTES })
      account.failedLoginCount = 0
    }
    await account.save()
    await this.audit(client, {
      action: locked ? 'auth.account_locked' : 'auth.login_failed',
      outcome: 'failure',
      subjectType: this.realm.name,
      subjectId: account.id,
      actor: this.#actor(account),
      meta: { factor },
    })
  }

  #actor(account: Account) {
    return { type: this.realm.name, id: account.id, label: account.email }
  }

  #setPending(ctx: HttpContext, account: Account, setupSecret?: string) {
    const pending: PendingLogin = { scope: this.realm.scope(ctx), id: account.id, epoch: account.sessionEpoch, at: Date.now(), setupSecret }
    ctx.session.put(PENDING_KEY, pending)
  }

  async #checkThrottle(key: string) {
    const limit = throttle()
    if ((await limit.isBlocked(key)) || (await limit.remaining(key)) <= 0) {
      const seconds = Math.max(1, await limit.availableIn(key))
      throw new AppError(`Too many sign-in attempts; try again in ${Math.ceil(seconds / 60)} minutes`, {
        status: 429,
        code: 'E_TOO_MANY_ATTEMPTS',
        meta: { retryAfterSeconds: seconds },
      })
    }
  }

  #lockedError(account: Account) {
    return new AppError('This account is locked after repeated failed sign-ins; try again later', {
      status: 423,
      code: 'E_ACCOUNT_LOCKED',
      meta: { lockedUntil: account.lockedUntil?.toISO() },
    })
  }

  #wrongCode() {
    return new AppError('The code is incorrect or already used', { status: 400, code: 'E_INVALID_CODE', field: 'code' })
  }
}
