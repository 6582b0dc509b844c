import type { HttpContext } from '@adonisjs/core/http'
import VenueDomains from '#catalog/services/venue_domains'
import { venueDomainValidator } from '#catalog/validators/venue_profile'

/** The venue's custom domains (绑定域名). */
export default class VenueDomainsController {
  async index(ctx: HttpContext) {
    return VenueDomains.for(ctx.tenant!).list()
  }

  async store(ctx: HttpContext) {
    const { host } = await ctx.request.validateUsing(venueDomainValidator)
    ctx.response.status(201)
    return { domain: await VenueDomains.for(ctx.tenant!).add(host) }
  }

  async destroy(ctx: HttpContext) {
    await VenueDomains.for(ctx.tenant!).remove(Number(ctx.params.id))
    return ctx.response.noContent()
  }
}
