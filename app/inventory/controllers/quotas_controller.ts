import type { HttpContext } from '@adonisjs/core/http'
import QuotaAdmin from '#inventory/services/quota_admin'
import { createQuotaValidator, updateQuotaValidator } from '#inventory/validators/quota'

/** Capacity of sessions (console). */
export default class QuotasController {
  async index({ params, tenant }: HttpContext) {
    return { quotas: await QuotaAdmin.for(tenant!).list(Number(params.id)) }
  }

  async store({ request, response, params, tenant }: HttpContext) {
    const template = await request.validateUsing(createQuotaValidator)
    return response.created({ quota: await QuotaAdmin.for(tenant!).create(Number(params.id), template) })
  }

  async update({ request, params, tenant }: HttpContext) {
    const changes = await request.validateUsing(updateQuotaValidator)
    return { quota: await QuotaAdmin.for(tenant!).update(Number(params.id), changes) }
  }
}
