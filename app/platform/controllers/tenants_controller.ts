import type { HttpContext } from '@adonisjs/core/http'
import Tenant from '#tenancy/models/tenant'
import TenantAdministration from '#tenancy/services/tenant_administration'
import { suspensionValidator, tenantListValidator } from '#platform/validators/tenant_status'
import { venueUrls } from '#tenancy/services/venue_urls'

/** Platform staff over all venues. */
export default class TenantsController {
  async index({ request }: HttpContext) {
    const filters = await tenantListValidator.validate(request.qs())
    const page = await Tenant.query()
      .if(filters.status, (q) => q.where('status', filters.status!))
      .if(filters.search, (q) => q.where((w) => w.whereILike('name', `%${filters.search}%`).orWhereILike('slug', `%${filters.search}%`)))
      .orderBy('id', 'desc')
      .paginate(filters.page ?? 1, 50)
    const { meta, data } = page.serialize()
    return { meta, data: data.map((tenant, i) => ({ ...tenant, urls: venueUrls(page.all()[i]) })) }
  }

  async approve({ params }: HttpContext) {
    return { tenant: await TenantAdministration.change(Number(params.id), 'approve') }
  }

  async suspend({ params, request }: HttpContext) {
    const { reason } = await request.validateUsing(suspensionValidator)
    return { tenant: await TenantAdministration.change(Number(params.id), 'suspend', reason) }
  }

  async resume({ params }: HttpContext) {
    return { tenant: await TenantAdministration.change(Number(params.id), 'resume') }
  }
}
