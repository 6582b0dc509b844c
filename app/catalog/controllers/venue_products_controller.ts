import type { HttpContext } from '@adonisjs/core/http'
import VenueProducts from '#catalog/services/venue_products'
import Vouchers from '#members/services/vouchers'
import { voucherQueryValidator } from '#members/validators/coupon'

/** What a visitor can buy (no sign-in): the home page's list and one product's page. */
export default class VenueProductsController {
  async index({ tenant }: HttpContext) {
    return { products: await VenueProducts.for(tenant!).list() }
  }

  /** `?voucher=CODE` shows a voucher-only product the code unlocks. */
  async show({ params, request, tenant }: HttpContext) {
    const { voucher } = await voucherQueryValidator.validate(request.qs())
    const campaign = await Vouchers.for(tenant!).campaignOrNull(voucher)
    return { product: await VenueProducts.for(tenant!).show(Number(params.id), campaign?.product_ids) }
  }
}
