/*
 * Binds the request to its tenant: the /t/<slug> prefix (development) or the host (custom domain
 * or <slug>.<BASE_HOST>). Unknown → 404. A venue that is not open: visitors are told so; staff can
 * sign in and read (to see the pending/suspended state) but not change anything.
 * A suspended venue answers visitors 503 E_VENUE_SUSPENDED (with its name; pages get a 暂停营业
 * page) and refuses console writes with 423 E_VENUE_READ_ONLY; what it sold keeps working (gates,
 * visitors reading their orders). Pending venues answer 403 E_TENANT_PENDING.
 */
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { AppError, notFound } from '#core/app_error'
import registry from '#tenancy/services/tenant_registry'
import type Tenant from '#tenancy/models/tenant'
import { escapeHtml } from '#core/html'
import { viewAs } from '#platform/services/view_as'

/** What a suspended venue's pages show a visitor's browser (the API answers E_VENUE_SUSPENDED). */
function closedPage(venueName: string) {
  const name = escapeHtml(venueName)
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>暂停营业 · ${name}</title><style>body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f1f5f9;color:#0f172a}
main{max-width:420px;margin:18vh auto;padding:32px;text-align:center}h1{font-size:1.5rem;margin:0 0 12px}p{color:#475569;line-height:1.6}</style></head>
<body><main><h1>暂停营业</h1><p><strong>${name}</strong> 暂时关闭，请稍后再来。</p><p>${name} is temporarily closed. Please come back later.</p></main></body></html>`
}

/** A venue's state, not a failure of the server: answered with its 503, never logged as an error. */
class VenueSuspendedError extends AppError {
  report() {}
}

export type Surface = 'console' | 'visitor' | 'device' | 'distributor' | 'webhooks'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** A visitor reading an order they already have: its e-ticket page, its answer, its tickets and QR images. */
const READ_OWN_ORDER = /\/(api\/)?orders\/[0-9A-Z]+(\/tickets(\/\d+\/qr\.png)?)?$/

/**
 * A suspended venue stops selling, but what it has sold is kept: the gates still admit its
 * tickets (a visitor who paid is not turned away at the door), and its visitors can still open
 * their orders and e-tickets. Pending venues have sold nothing.
 */
function honoursWhatWasSold(ctx: HttpContext, tenant: Tenant, surface: Surface) {
  if (tenant.status !== 'suspended') return false
  if (surface === 'device') return true
  return surface === 'visitor' && SAFE_METHODS.has(ctx.request.method()) && READ_OWN_ORDER.test(ctx.request.url())
}

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

    // A platform operator's read-only look (docs/platform.md): refused here for anything but a read.
    if (options.surface === 'console') ctx.viewAs = viewAs.admit(ctx, tenant) ?? undefined

    // A channel's news about money already moved is taken whatever the venue's state.
    if (!tenant.isOpen && options.surface !== 'webhooks') {
      const readOnlyStaff = options.surface === 'console' && SAFE_METHODS.has(ctx.request.method())
      const signingIn = options.surface === 'console' && /\/api\/(login|logout|logout-everywhere|two-factor)$/.test(ctx.request.url())
      if (!readOnlyStaff && !signingIn && !honoursWhatWasSold(ctx, tenant, options.surface)) {
        if (tenant.status === 'pending') {
          throw new AppError(`${tenant.name} is not open yet: the venue is awaiting approval`, { status: 403, code: 'E_TENANT_PENDING' })
        }
        if (options.surface === 'console') {
          throw new AppError(`${tenant.name} is suspended by the platform: its console is read-only until it is resumed`, {
            status: 423,
            code: 'E_VENUE_READ_ONLY',
          })
        }
        // Suspended (暂停营业): visitors' pages and APIs say so with its name.
        if (ctx.request.accepts(['json', 'html']) === 'html') {
          return ctx.response.status(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(closedPage(tenant.name))
        }
        throw new VenueSuspendedError(`${tenant.name} is temporarily closed`, { status: 503, code: 'E_VENUE_SUSPENDED', meta: { venueName: tenant.name } })
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
