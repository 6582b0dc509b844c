import type { HttpContext } from '@adonisjs/core/http'
import VenueProducts from '#catalog/services/venue_products'

/** What a visitor can buy (no sign-in): the home page's list and one product's page. */
export default class VenueProductsController {
  async index({ tenant }: HttpContext) {
    return { products: await VenueProducts.for(tenant!).list() }
  }

  async show({ params, tenant }: HttpContext) {
    return { product: await VenueProducts.for(tenant!).show(Number(params.id)) }
  }
}
