import type { HttpContext } from '@adonisjs/core/http'
import Coupons from '#members/services/coupons'
import { createCouponValidator } from '#members/validators/coupon'

/** The venue's coupon campaigns and their codes (console). */
export default class CouponsController {
  async index(ctx: HttpContext) {
    return { campaigns: await Coupons.for(ctx.tenant!).list() }
  }

  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(createCouponValidator)
    ctx.response.status(201)
    return Coupons.for(ctx.tenant!).create(input)
  }

  async codes(ctx: HttpContext) {
    return { codes: await Coupons.for(ctx.tenant!).codes(Number(ctx.params.id)) }
  }

  async disable(ctx: HttpContext) {
    return { campaign: await Coupons.for(ctx.tenant!).disable(Number(ctx.params.id)) }
  }
}
