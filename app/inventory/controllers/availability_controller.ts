import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import { invalid } from '#core/app_error'
import Availability from '#inventory/services/availability'
import Vouchers from '#members/services/vouchers'
import { availabilityValidator, sessionsOfDayValidator } from '#inventory/validators/hold'

const MAX_DAYS = 366
const day = (date: Date) => DateTime.fromJSDate(date).toISODate()!

export default class AvailabilityController {
  /** GET /api/products/:id/availability?from&to: places left per day. */
  async days({ params, request, tenant }: HttpContext) {
    const { from, to, voucher } = await availabilityValidator.validate(request.qs())
    if (DateTime.fromJSDate(to).diff(DateTime.fromJSDate(from), 'days').days > MAX_DAYS) {
      throw invalid('to', `Ask for at most ${MAX_DAYS} days at a time`)
    }
    const campaign = await Vouchers.for(tenant!).campaignOrNull(voucher)
    return { days: await Availability.days(tenant!, Number(params.id), day(from), day(to), campaign?.id) }
  }

  /** GET /api/products/:id/sessions?date: the sessions / time slots of one day. */
  async sessions({ params, request, tenant }: HttpContext) {
    const { date, voucher } = await sessionsOfDayValidator.validate(request.qs())
    const campaign = await Vouchers.for(tenant!).campaignOrNull(voucher)
    return { sessions: await Availability.sessions(tenant!, Number(params.id), day(date), day(date), campaign?.id) }
  }
}
