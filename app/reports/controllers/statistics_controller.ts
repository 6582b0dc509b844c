import type { HttpContext } from '@adonisjs/core/http'
import Statistics from '#reports/services/statistics'
import { statisticsValidator } from '#reports/validators/report'

/** The statistics dashboard's figures for a range of days. */
export default class StatisticsController {
  async show(ctx: HttpContext) {
    const { from, to } = await statisticsValidator.validate(ctx.request.qs())
    return Statistics.for(ctx.tenant!).report(from, to)
  }
}
