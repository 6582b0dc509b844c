import type { HttpContext } from '@adonisjs/core/http'
import BookingPolicy from '#inventory/services/booking_policy'
import { bookingRulesValidator, noShowValidator } from '#inventory/validators/booking_rules'

/** The venue's real-name booking rules, and no-shows recorded by hand (console). */
export default class BookingRulesController {
  async show({ tenant }: HttpContext) {
    return { rules: await BookingPolicy.for(tenant!).rules() }
  }

  async update({ request, tenant }: HttpContext) {
    const rules = await request.validateUsing(bookingRulesValidator)
    return { rules: await BookingPolicy.for(tenant!).updateRules(rules) }
  }

  async recordNoShow({ request, response, params, tenant }: HttpContext) {
    const { sessionId } = await request.validateUsing(noShowValidator)
    return response.created({ noShow: await BookingPolicy.for(tenant!).recordNoShow(Number(params.id), sessionId) })
  }
}
