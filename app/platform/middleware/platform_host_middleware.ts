import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { notFound } from '#core/app_error'
import registry from '#tenancy/services/tenant_registry'

/** Platform routes exist only on the platform's host, never on a venue's domain. */
export default class PlatformHostMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (await registry.byHost(ctx.request.hostname() ?? '')) throw notFound('Not found')
    return next()
  }
}
