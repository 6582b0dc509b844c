import type { HttpContext } from '@adonisjs/core/http'
import PriceRulesAdmin from '#catalog/services/price_rules_admin'
import { calendarDayParamsValidator, calendarDayValidator, dateRangeValidator } from '#catalog/validators/calendar_day'

/** The venue's public holidays and make-up workdays (调休), which price rules go by (console). */
export default class CalendarDaysController {
  async index({ request, tenant }: HttpContext) {
    const { from, to } = await dateRangeValidator.validate(request.qs())
    return { calendarDays: await PriceRulesAdmin.for(tenant!).listDays(from, to) }
  }

  async update({ request, tenant }: HttpContext) {
    const { params, ...state } = await request.validateUsing(calendarDayValidator)
    return { calendarDay: await PriceRulesAdmin.for(tenant!).setDay(params.date, state) }
  }

  async destroy({ request, response, tenant }: HttpContext) {
    const { params } = await request.validateUsing(calendarDayParamsValidator)
    await PriceRulesAdmin.for(tenant!).deleteDay(params.date)
    return response.noContent()
  }
}
