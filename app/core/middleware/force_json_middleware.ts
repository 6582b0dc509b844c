import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

const API_PATH = /(^|\/)(api\/|health$)|^\/signup$/

/**
 * API paths always answer JSON (errors included, also those raised before routing such as a CSRF
 * refusal), whatever the client's Accept header says.
 */
export default class ForceJsonMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    if (API_PATH.test(ctx.request.url())) ctx.request.request.headers.accept = 'application/json'
    return next()
  }
}
