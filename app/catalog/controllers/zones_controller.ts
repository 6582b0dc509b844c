import type { HttpContext } from '@adonisjs/core/http'
import SiteCatalog from '#catalog/services/site_catalog'
import { createZoneValidator, updateZoneValidator } from '#catalog/validators/zone'

/** Areas and halls of a site (console). */
export default class ZonesController {
  async index({ params, tenant }: HttpContext) {
    return { zones: await SiteCatalog.for(tenant!).listZones(Number(params.siteId)) }
  }

  async store({ request, response, params, tenant }: HttpContext) {
    const input = await request.validateUsing(createZoneValidator)
    return response.created({ zone: await SiteCatalog.for(tenant!).createZone(Number(params.siteId), input) })
  }

  async update({ request, params, tenant }: HttpContext) {
    const changes = await request.validateUsing(updateZoneValidator)
    return { zone: await SiteCatalog.for(tenant!).updateZone(Number(params.id), changes) }
  }
}
