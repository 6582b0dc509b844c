import type { HttpContext } from '@adonisjs/core/http'
import type PlatformUser from '#identity/models/platform_user'
import { viewAs } from '#platform/services/view_as'

/** "View as" a venue, read-only (docs/platform.md). */
export default class ViewAsController {
  /** Platform side: issues a short-lived grant for one venue. */
  async store({ auth, params, response }: HttpContext) {
    const user = auth.use('platform').getUserOrFail() as PlatformUser
    return response.created(await viewAs.grant(user, Number(params.id)))
  }

  /** Venue side: who is looking, at which venue, until when (the console's "me" for a viewer). */
  async show({ viewAs: grant, tenant }: HttpContext) {
    return {
      viewer: grant ? { platformUserId: grant.platformUserId, label: grant.label, expiresAt: grant.expiresAt, readOnly: true } : null,
      tenant: { id: tenant!.id, name: tenant!.name, slug: tenant!.slug, status: tenant!.status },
    }
  }
}
