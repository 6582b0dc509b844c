import type { HttpContext } from '@adonisjs/core/http'
import Plans from '#platform/services/plans'
import { createPlanValidator, updatePlanValidator } from '#platform/validators/plans'

/** Plans (套餐) as platform staff manage them. */
export default class PlansController {
  async index() {
    return { plans: await Plans.list() }
  }

  async store({ request, response }: HttpContext) {
    const input = await request.validateUsing(createPlanValidator)
    return response.created({ plan: await Plans.create(input) })
  }

  async update({ params, request }: HttpContext) {
    const changes = await request.validateUsing(updatePlanValidator)
    return { plan: await Plans.update(Number(params.id), changes) }
  }

  async destroy({ params, response }: HttpContext) {
    await Plans.destroy(Number(params.id))
    return response.noContent()
  }
}
