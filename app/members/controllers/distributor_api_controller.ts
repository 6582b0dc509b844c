import type { HttpContext } from '@adonisjs/core/http'
import DistributorSales from '#members/services/distributor_sales'
import { distributorOrderValidator, distributorSessionsValidator } from '#members/validators/distributor'
import { refundAskValidator } from '#orders/validators/order'

const sales = (ctx: HttpContext) => DistributorSales.for(ctx.tenant!, ctx.distributor!)

/** The distributor API (docs/distributors.md): every request signed with the distributor's key. */
export default class DistributorApiController {
  async account(ctx: HttpContext) {
    return { account: await sales(ctx).account() }
  }

  async products(ctx: HttpContext) {
    return { products: await sales(ctx).products() }
  }

  async sessions(ctx: HttpContext) {
    const { from, to } = await distributorSessionsValidator.validate(ctx.request.qs())
    return { sessions: await sales(ctx).sessions(Number(ctx.params.id), from, to) }
  }

  async placeOrder(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(distributorOrderValidator)
    const { order, replayed } = await sales(ctx).placeOrder(input)
    return ctx.response.status(replayed ? 200 : 201).send({ order, replayed })
  }

  async order(ctx: HttpContext) {
    return { order: await sales(ctx).order(String(ctx.params.orderNo)) }
  }

  async refund(ctx: HttpContext) {
    const ask = await ctx.request.validateUsing(refundAskValidator)
    ctx.response.status(201)
    return sales(ctx).refund(String(ctx.params.orderNo), ask)
  }
}
