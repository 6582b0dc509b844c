import type { HttpContext } from '@adonisjs/core/http'
import SiteCatalog from '#catalog/services/site_catalog'
import { createSiteValidator, updateSiteValidator } from '#catalog/validators/site'

/** The venue's sites (console). */
export default class SitesController {
  async index({ tenant }: HttpContext) {
    return { sites: await SiteCatalog.for(tenant!).listSites() }
  }

  async store({ request, response, tenant }: HttpContext) {
    const input = await request.validateUsing(createSiteValidator)
    return response.created({ site: await SiteCatalog.for(tenant!).createSite(input) })
  }

  async update({ request, params, tenant }: HttpContext) {
    const changes = await request.validateUsing(updateSiteValidator)
    return { site: await SiteCatalog.for(tenant!).updateSite(Number(params.id), changes) }
  }
}
