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

export default class AuthorizeMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { permission: string }) {
    const guard = ctx.auth.authenticatedViaGuard
    const user = guard ? ctx.auth.use(guard as 'staff').user : undefined
    if (!guard || !user) return this.#deny(ctx, options.permission)

    let allowed: boolean
    if (guard === 'platform') {
      allowed = !ctx.tenant && (await authorization.platformAllows(user.id, options.permission))
    } else if (guard === 'staff' || guard === 'staff_api') {
      allowed = Boolean(ctx.tenant) && (await authorization.staffAllows(ctx.tenant!, user.id, options.permission))
      if (allowed && guard === 'staff_api') {
        allowed = ctx.auth.use('staff_api').user!.currentAccessToken.allows(options.permission)
      }
    } else {
      allowed = false
    }
    if (!allowed) return this.#deny(ctx, options.permission)
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
