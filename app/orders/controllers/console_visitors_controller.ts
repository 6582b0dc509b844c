import type { HttpContext } from '@adonisjs/core/http'
import VisitorDirectory from '#orders/services/visitor_directory'
import { visitorSearchValidator } from '#orders/validators/visitor_search'

/** Visitors (游客) at the venue console: search, and one visitor with orders and no-shows. */
export default class ConsoleVisitorsController {
  async index(ctx: HttpContext) {
    const filters = await visitorSearchValidator.validate(ctx.request.qs())
    return VisitorDirectory.for(ctx.tenant!).search(filters)
  }

  async show(ctx: HttpContext) {
    return VisitorDirectory.for(ctx.tenant!).show(Number(ctx.params.id))
  }
}
