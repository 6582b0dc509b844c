import type { HttpContext } from '@adonisjs/core/http'
import Passes from '#members/services/passes'
import { orderAccessToken } from '#orders/services/checkout'
import OrderDirectory from '#orders/services/order_directory'

/** A signed-in visitor's annual passes (年卡): show, activate, renew (an order to pay). */
export default class PassAccountController {
  async index(ctx: HttpContext) {
    return { passes: await Passes.for(ctx.tenant!).mine(ctx.auth.use('visitor').user!.id) }
  }

  async activate(ctx: HttpContext) {
    return { pass: await Passes.for(ctx.tenant!).activate(ctx.auth.use('visitor').user!.id, Number(ctx.params.id)) }
  }

  /** 续卡: the renewal's order, paid through POST /api/orders/:number/payments like any order. */
  async renew(ctx: HttpContext) {
    const { order, created } = await Passes.for(ctx.tenant!).renew(ctx.auth.use('visitor').user!.id, Number(ctx.params.id))
    const view = await OrderDirectory.for(ctx.tenant!).view(order, 'visitor')
    return ctx.response.status(created ? 201 : 200).send({ order: view, accessToken: orderAccessToken(ctx.tenant!, order.number) })
  }
}
