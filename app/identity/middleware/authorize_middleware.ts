/*
 * `middleware.can({ permission })`: the authenticated account must hold the permission in the
 * request's domain (its tenant, or the platform). API tokens are further limited by their own
 * abilities. A refusal is a 403 and an audit record (written in its own transaction, since the
 * refused request changes nothing else).
 */
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { forbidden } from '#core/app_error'
import authorization from '#identity/authz/authorization_service'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant } from '#tenancy/services/tenant_database'
import { viewAs } from '#platform/services/view_as'

/**
 * Does the request's account hold `permission` in the request's domain? Platform staff only on
 * the platform, venue staff only at their venue; an API token is further limited by its abilities.
 */
export async function accountHolds(ctx: HttpContext, permission: string): Promise<boolean> {
  if (ctx.viewAs) return viewAs.allows(permission)
  const guard = ctx.auth.authenticatedViaGuard
  const user = guard ? ctx.auth.use(guard as 'staff').user : undefined
  if (!user) return false
  if (guard === 'platform') return !ctx.tenant && authorization.platformAllows(user.id, permission)
  if (guard !== 'staff' && guard !== 'staff_api') return false
  if (!ctx.tenant || !(await authorization.staffAllows(ctx.tenant, user.id, permission))) return false
  return guard === 'staff' || ctx.auth.use('staff_api').user!.currentAccessToken.allows(permission)
}

export default class AuthorizeMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { permission: string }) {
    if (!(await accountHolds(ctx, options.permission))) return this.#deny(ctx, options.permission)
    return next()
  }

  async #deny(ctx: HttpContext, permission: string): Promise<never> {
    const entry = {
      action: 'authz.denied',
      outcome: 'denied' as const,
      meta: { permission, method: ctx.request.method(), path: ctx.request.url() },
    }
    if (ctx.tenant) await runInTenant(ctx.tenant, (trx) => auditLog.tenant(trx, entry))
    else await auditLog.platform(entry)
    throw forbidden(`You do not have the "${permission}" permission`, 'E_PERMISSION_DENIED')
  }
}
