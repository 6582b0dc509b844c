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
