import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Authenticators } from '@adonisjs/auth/types'

/** Requires one of the given guards to authenticate the request (401 otherwise). */
export default class AuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { guards: (keyof Authenticators)[] }) {
    // A platform operator's view-as grant (admitted by the tenant middleware, reads only) stands in for a staff session.
    if (ctx.viewAs && options.guards.includes('staff')) return next()
    await ctx.auth.authenticateUsing(options.guards)
    return next()
  }
}
