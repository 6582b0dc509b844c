import type { HttpContext } from '@adonisjs/core/http'
import SessionSchedule from '#catalog/services/session_schedule'
import {
  closeDayValidator,
  createSessionValidator,
  generateSessionsValidator,
  sessionQueryValidator,
  updateSessionValidator,
} from '#catalog/validators/session'

/** The venue's sessions and time slots (console). */
export default class SessionsController {
  async index({ request, tenant }: HttpContext) {
    const range = await sessionQueryValidator.validate(request.qs())
    return { sessions: await SessionSchedule.for(tenant!).list(range) }
  }

  async store({ request, response, tenant }: HttpContext) {
    const input = await request.validateUsing(createSessionValidator)
    return response.created({ session: await SessionSchedule.for(tenant!).create(input) })
  }

  async generate({ request, response, tenant }: HttpContext) {
    const template = await request.validateUsing(generateSessionsValidator)
    return response.created(await SessionSchedule.for(tenant!).generate(template))
  }

  async closeDay({ request, tenant }: HttpContext) {
    const { siteId, date } = await request.validateUsing(closeDayValidator)
    return SessionSchedule.for(tenant!).closeDay(siteId, date)
  }

  async update({ request, params, tenant }: HttpContext) {
    const changes = await request.validateUsing(updateSessionValidator)
    return { session: await SessionSchedule.for(tenant!).update(Number(params.id), changes) }
  }
}
