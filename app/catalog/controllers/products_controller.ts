import type { HttpContext } from '@adonisjs/core/http'
import ProductCatalog from '#catalog/services/product_catalog'
import { createProductValidator, productQueryValidator, updateProductValidator } from '#catalog/validators/product'

/** The venue's products (票种) (console). */
export default class ProductsController {
  async index({ request, tenant }: HttpContext) {
    const filters = await productQueryValidator.validate(request.qs())
    return { products: await ProductCatalog.for(tenant!).list(filters) }
  }

  async show({ params, tenant }: HttpContext) {
    return { product: await ProductCatalog.for(tenant!).show(Number(params.id)) }
  }

  async store({ request, response, tenant }: HttpContext) {
    const input = await request.validateUsing(createProductValidator)
    return response.created({ product: await ProductCatalog.for(tenant!).create(input) })
  }

  async update({ request, params, tenant }: HttpContext) {
    const changes = await request.validateUsing(updateProductValidator)
    return { product: await ProductCatalog.for(tenant!).update(Number(params.id), changes) }
  }
}
