import type { HttpContext } from '@adonisjs/core/http'
import FrequentVisitors from '#inventory/services/frequent_visitors'
import { frequentVisitorValidator } from '#inventory/validators/frequent_visitor'

/** The signed-in visitor's real-name holders (常用游客); ID numbers are only ever shown masked. */
export default class FrequentVisitorsController {
  async index({ auth, tenant }: HttpContext) {
    return { holders: await FrequentVisitors.for(tenant!).list(auth.use('visitor').user!.id) }
  }

  async store({ auth, request, response, tenant }: HttpContext) {
    const input = await request.validateUsing(frequentVisitorValidator)
    return response.created({ holder: await FrequentVisitors.for(tenant!).add(auth.use('visitor').user!.id, input) })
  }

  async destroy({ auth, params, response, tenant }: HttpContext) {
    await FrequentVisitors.for(tenant!).remove(auth.use('visitor').user!.id, Number(params.id))
    return response.noContent()
  }
}
