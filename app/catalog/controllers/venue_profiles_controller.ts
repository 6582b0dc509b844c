import type { HttpContext } from '@adonisjs/core/http'
import VenueProfile from '#catalog/services/venue_profile'
import { venueBannersValidator, venueProfileValidator } from '#catalog/validators/venue_profile'

/** The venue's profile and banners (console), and the branding visitors see (visitor API). */
export default class VenueProfilesController {
  async show(ctx: HttpContext) {
    return VenueProfile.for(ctx.tenant!).show(ctx.tenantBasePath!)
  }

  async update(ctx: HttpContext) {
    const changes = await ctx.request.validateUsing(venueProfileValidator)
    return VenueProfile.for(ctx.tenant!).update(changes, ctx.tenantBasePath!)
  }

  async replaceBanners(ctx: HttpContext) {
    const { banners } = await ctx.request.validateUsing(venueBannersValidator)
    return VenueProfile.for(ctx.tenant!).replaceBanners(banners, ctx.tenantBasePath!)
  }

  /** GET /api/venue (no sign-in). */
  async visitor(ctx: HttpContext) {
    return VenueProfile.for(ctx.tenant!).visitorView(ctx.tenantBasePath!)
  }
}
