/*
 * Binds the request to its tenant: the /t/<slug> prefix (development) or the host (custom domain
 * or <slug>.<BASE_HOST>). Unknown → 404. A venue that is not open: visitors are told so; staff can
 * sign in and read (to see the pending/suspended state) but not change anything.
 */
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { AppError, notFound } from '#core/app_error'
import registry from '#tenancy/services/tenant_registry'
import type Tenant from '#tenancy/models/tenant'

export type Surface = 'console' | 'visitor' | 'device' | 'webhooks'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export default class ResolveTenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { surface: Surface }) {
    const slug = ctx.params.tenant as string | undefined
    const host = ctx.request.hostname() ?? ''
    let tenant: Tenant | null
    if (slug) {
      tenant = await registry.bySlug(slug)
      // A tenant host with another tenant's prefix is a confused request, not a way across.
      const hostTenant = await registry.byHost(host)
      if (hostTenant && tenant && hostTenant.id !== tenant.id) tenant = null
    } else {
      tenant = await registry.byHost(host)
    }
    if (!tenant) throw notFound('No venue is served at this address', 'E_TENANT_NOT_FOUND')

    // A channel's news about money already moved is taken whatever the venue's state.
    if (!tenant.isOpen && options.surface !== 'webhooks') {
      const readOnlyStaff = options.surface === 'console' && SAFE_METHODS.has(ctx.request.method())
      const signingIn = options.surface === 'console' && /\/api\/(login|logout|logout-everywhere|two-factor)$/.test(ctx.request.url())
      if (!readOnlyStaff && !signingIn) {
        const message =
          tenant.status === 'suspended'
            ? `${tenant.name} is temporarily closed`
            : `${tenant.name} is not open yet: the venue is awaiting approval`
        throw new AppError(message, { status: 403, code: tenant.status === 'suspended' ? 'E_TENANT_SUSPENDED' : 'E_TENANT_PENDING' })
      }
    }

    ctx.tenant = tenant
    ctx.tenantBasePath = slug ? `/t/${tenant.slug}` : ''
    return next()
  }
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    tenant?: Tenant
    /** '' on the tenant's own host, '/t/<slug>' on the development prefix. */
    tenantBasePath?: string
  }
}
