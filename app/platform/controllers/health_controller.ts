import type { HttpContext } from '@adonisjs/core/http'
import HealthService from '#platform/services/health_service'

export default class HealthController {
  async show({ response }: HttpContext) {
    const report = await new HealthService().check()
    return response.status(report.healthy ? 200 : 503).send(report)
  }
}
