/*
 * Sessions and CSRF protection, except for the visitor's public API (availability, prices,
 * seats, holds) called without any cookie: such a request has no session to continue and no
 * ambient credentials for a forgery to ride on, so it skips both, and with them creating and
 * encrypting two cookies per request (a fifth of the CPU of a flash sale). A request that sends
 * cookies (a signed-in visitor) goes through both as usual.
 */
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import SessionMiddleware from '@adonisjs/session/session_middleware'
import ShieldMiddleware from '@adonisjs/shield/shield_middleware'

const PUBLIC_VISITOR_API = /^(\/t\/[^/]+)?\/api\/(?!account(\/|$))/
/**
 * Channels' notifications, gates' and distributors' requests (signed by the channel, the device
 * or the distributor, never by a browser), and the front ends' built assets and the venues' uploaded
 * images (/media: cacheable by anyone, so no cookies). And the visitor H5's pay pages (/pay/<number>):
 * UnionPay returns there by a gateway's form POST, which carries no CSRF token and changes nothing
 * (it only redirects to the result page, which asks the API); the page itself needs no session.
 */
const MACHINE_PATHS = /^(\/t\/[^/]+)?\/(webhooks|device\/api|distributor\/api|build|media|pay)\//

export function isStatelessRequest(ctx: HttpContext) {
  const url = ctx.request.url()
  return MACHINE_PATHS.test(url) || (!ctx.request.header('cookie') && PUBLIC_VISITOR_API.test(url))
}

export default class StatefulMiddleware {
  #session?: Promise<SessionMiddleware<any>>
  #shield?: Promise<ShieldMiddleware>

  async handle(ctx: HttpContext, next: NextFn) {
    if (isStatelessRequest(ctx)) return next()
    this.#session ??= app.container.make(SessionMiddleware)
    this.#shield ??= app.container.make(ShieldMiddleware)
    const [session, shield] = await Promise.all([this.#session, this.#shield])
    return session.handle(ctx, () => shield.handle(ctx, next))
  }
}
