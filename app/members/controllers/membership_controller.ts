import type { HttpContext } from '@adonisjs/core/http'
import { AppError } from '#core/app_error'
import Members from '#members/services/members'
import { orderAccessToken } from '#orders/services/checkout'
import OrderDirectory from '#orders/services/order_directory'
import { signedInVisitor } from '#orders/services/order_access'
import { joinValidator } from '#members/validators/member'

/**
 * The signed-in visitor's membership (the H5 member card). The visitor API outside /account runs
 * without a session when no cookie comes, so the visitor is looked up here rather than by the auth
 * middleware: no cookie, no visitor, a 401.
 */
async function visitorId(ctx: HttpContext) {
  const visitor = await signedInVisitor(ctx)
  if (!visitor) throw new AppError('Sign in to see your membership', { status: 401, code: 'E_SIGN_IN_REQUIRED' })
  return visitor.id
}

export default class MembershipController {
  async show(ctx: HttpContext) {
    return Members.for(ctx.tenant!).card(await visitorId(ctx))
  }

  /** A free tier: `201` with the card. A paid one: its order to pay, like checkout's answer (`200` when it was already waiting). */
  async join(ctx: HttpContext) {
    const id = await visitorId(ctx)
    const { tierId } = await ctx.request.validateUsing(joinValidator)
    const joined = await Members.for(ctx.tenant!).join(id, tierId)
    if ('card' in joined) return ctx.response.created(joined.card)
    const view = await OrderDirectory.for(ctx.tenant!).view(joined.order, 'visitor')
    return ctx.response.status(joined.created ? 201 : 200).send({ order: view, accessToken: orderAccessToken(ctx.tenant!, joined.order.number) })
  }
}
