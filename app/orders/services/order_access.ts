/*
 * Which orders a visitor's request reaches: theirs if they are signed in as its buyer, or any
 * whose access token they hold (given at checkout, for buyers without an account: header
 * X-Order-Token or ?token=). Anyone else is told there is no such order.
 */
import type { HttpContext } from '@adonisjs/core/http'
import { notFound } from '#core/app_error'
import { isStatelessRequest } from '#core/middleware/stateful_middleware'
import { isOrderAccessToken } from '#orders/services/checkout'
import OrderDirectory from '#orders/services/order_directory'

/** The signed-in visitor, if any (a request without cookies has no session to ask). */
export async function signedInVisitor(ctx: HttpContext) {
  if (isStatelessRequest(ctx)) return undefined
  return (await ctx.auth.use('visitor').check()) ? ctx.auth.use('visitor').user : undefined
}

/** The order named by the route's `:number`, if this request may see it; otherwise a 404. */
export async function visitorOrder(ctx: HttpContext) {
  const order = await OrderDirectory.for(ctx.tenant!).find(String(ctx.params.number))
  const token = ctx.request.header('x-order-token') ?? ctx.request.qs().token
  if (isOrderAccessToken(ctx.tenant!, order.number, token)) return order
  const visitor = await signedInVisitor(ctx)
  if (visitor && order.visitorId === visitor.id) return order
  throw notFound('No such order', 'E_ORDER_NOT_FOUND')
}
