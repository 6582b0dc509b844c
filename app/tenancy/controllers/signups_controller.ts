import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import env from '#start/env'
import TenantProvisioner from '#tenancy/services/tenant_provisioner'
import { signupValidator } from '#tenancy/validators/signup'
import { venueUrls } from '#tenancy/services/venue_urls'

/** Self-service venue sign-up (POST /signup). */
export default class SignupsController {
  @inject()
  async store(ctx: HttpContext, provisioner: TenantProvisioner) {
    const input = await ctx.request.validateUsing(signupValidator)
    const status = env.get('SIGNUP_REQUIRES_APPROVAL', false) ? 'pending' : 'active'
    const { tenant, owner } = await provisioner.provision(input, {
      status,
      actor: { type: 'anonymous', label: input.email },
    })
    return ctx.response.created({
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, venueType: tenant.venueType, status: tenant.status },
      owner: { id: owner.id, email: owner.email },
      urls: venueUrls(tenant),
    })
  }
}
