import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import type { Surface } from '#tenancy/middleware/resolve_tenant_middleware'

const SLUG = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/

/** Registers a tenant surface's routes on the tenant host and under /t/<slug>. */
export function tenantSurface(surface: Surface, basePath: string, define: () => void) {
  for (const [prefix, name] of [['/t/:tenant', `${surface}_by_path`], ['', surface]]) {
    router
      .group(define)
      .as(name)
      .prefix(`${prefix}${basePath}`)
      .where('tenant', SLUG)
      .use(middleware.tenant({ surface }))
  }
}

/** The permission a console route needs; casbin decides (middleware.can). */
export const can = (permission: string) => middleware.can({ permission })

/** Console API routes (/console/api) for staff signed in by session or by API token. */
export function consoleApi(define: () => void) {
  tenantSurface('console', '/console/api', () => {
    router.group(define).use(middleware.auth({ guards: ['staff', 'staff_api'] }))
  })
}
