import type { HttpContext } from '@adonisjs/core/http'
import { dailyPrices } from '#catalog/services/price_calendar'
import { dateRangeValidator } from '#catalog/validators/calendar_day'

/** A product's price calendar as visitors see it (no sign-in needed), and as staff do (any status). */
export default class PricesController {
  async index({ params, request, tenant }: HttpContext) {
    const { from, to } = await dateRangeValidator.validate(request.qs())
    return { prices: await dailyPrices(tenant!, Number(params.productId), from, to) }
  }

  async staffIndex({ params, request, tenant }: HttpContext) {
    const { from, to } = await dateRangeValidator.validate(request.qs())
    return { prices: await dailyPrices(tenant!, Number(params.productId), from, to, 'staff') }
  }
}
