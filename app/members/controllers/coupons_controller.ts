import type { HttpContext } from '@adonisjs/core/http'
import Coupons from '#members/services/coupons'
import Vouchers from '#members/services/vouchers'
import { addCouponCodesValidator, createCouponValidator, updateCouponValidator } from '#members/validators/coupon'

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

  async update(ctx: HttpContext) {
    const changes = await ctx.request.validateUsing(updateCouponValidator)
    return { campaign: await Coupons.for(ctx.tenant!).update(Number(ctx.params.id), changes) }
  }

  async addCodes(ctx: HttpContext) {
    const asked = await ctx.request.validateUsing(addCouponCodesValidator)
    ctx.response.status(201)
    return { codes: await Coupons.for(ctx.tenant!).addCodes(Number(ctx.params.id), asked) }
  }

  /** GET /api/vouchers/:code (visitor): what a code gives and the products it opens. */
  async voucher(ctx: HttpContext) {
    return { voucher: await Vouchers.for(ctx.tenant!).show(String(ctx.params.code)) }
  }

  async codes(ctx: HttpContext) {
    return { codes: await Coupons.for(ctx.tenant!).codes(Number(ctx.params.id)) }
  }

  async disable(ctx: HttpContext) {
    return { campaign: await Coupons.for(ctx.tenant!).disable(Number(ctx.params.id)) }
  }
}
