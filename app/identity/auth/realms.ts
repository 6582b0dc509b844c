/*
 * A realm is one population of accounts: platform staff (public schema), or the staff or the
 * visitors of the tenant the request is bound to. The realm's scope is part of every session
 * identifier, so a session made at venue A is never honoured at venue B, even for the same id.
 */
import { HttpContext } from '@adonisjs/core/http'
import PlatformUser from '#identity/models/platform_user'
import StaffUser from '#identity/models/staff_user'
import Visitor from '#identity/models/visitor'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export type RealmName = 'platform' | 'staff' | 'visitor'
export type Account = PlatformUser | StaffUser | Visitor
type AccountModel = typeof PlatformUser | typeof StaffUser | typeof Visitor

export interface Realm<A extends Account = Account> {
  readonly name: RealmName
  readonly model: AccountModel
  /** `platform`, or `t<tenant id>` for tenant realms. Throws when a tenant realm has no tenant. */
  scope(ctx: HttpContext): string
  /** Runs `work` with a client that reaches this realm's tables. */
  run<T>(ctx: HttpContext, work: (client: TenantTransaction | undefined) => Promise<T>): Promise<T>
  find(ctx: HttpContext, id: number): Promise<A | null>
  findByEmail(ctx: HttpContext, email: string, client: TenantTransaction | undefined): Promise<A | null>
}

function tenantOf(ctx: HttpContext): Tenant {
  if (!ctx.tenant) throw new Error('This account realm needs a request bound to a tenant')
  return ctx.tenant
}

function tenantRealm<M extends typeof StaffUser | typeof Visitor>(name: RealmName, model: M): Realm<InstanceType<M>> {
  return {
    name,
    model,
    scope: (ctx) => `t${tenantOf(ctx).id}`,
    run: (ctx, work) => runInTenant(tenantOf(ctx), work),
    find: (ctx, id) => runInTenant(tenantOf(ctx), (trx) => model.find(id, { client: trx }) as Promise<InstanceType<M> | null>),
    findByEmail: (_ctx, email, client) =>
      model.query({ client }).whereRaw('lower(email) = lower(?)', [email]).first() as Promise<InstanceType<M> | null>,
  }
}

export const realms = {
  platform: {
    name: 'platform',
    model: PlatformUser,
    scope: () => 'platform',
    run: (_ctx, work) => work(undefined),
    find: (_ctx, id) => PlatformUser.find(id),
    findByEmail: (_ctx, email) => PlatformUser.query().whereRaw('lower(email) = lower(?)', [email]).first(),
  } satisfies Realm<PlatformUser>,
  staff: tenantRealm('staff', StaffUser),
  visitor: tenantRealm('visitor', Visitor),
}

/** The HttpContext of the current request (AsyncLocalStorage is enabled in config/app.ts). */
export function currentContext(): HttpContext {
  return HttpContext.getOrFail()
}
