import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { notFound } from '#core/app_error'
import Tenant from '#tenancy/models/tenant'
import TenantAdministration from '#tenancy/services/tenant_administration'
import { suspensionValidator, tenantListValidator } from '#platform/validators/tenant_status'
import { assignPlanValidator } from '#platform/validators/plans'
import { venueUrls } from '#tenancy/services/venue_urls'
import Plan from '#platform/models/plan'
import Plans from '#platform/services/plans'
import { salesOf } from '#platform/services/platform_stats'

/** Each venue's plan (by the tenants.plan_id column the platform keeps), in one query. */
async function plansOf(tenants: Tenant[]) {
  const rows = await db.from('tenants').whereIn('id', tenants.map((t) => t.id)).select('id', 'plan_id')
  const planIds = [...new Set(rows.map((row) => row.plan_id).filter((id) => id !== null))]
  const plans = new Map((await Plan.query().whereIn('id', planIds)).map((plan) => [plan.id, plan]))
  const byTenant = new Map(rows.map((row) => [Number(row.id), row.plan_id === null ? null : plans.get(Number(row.plan_id)) ?? null]))
  return tenants.map((tenant) => {
    const plan = byTenant.get(tenant.id)
    return plan ? { id: plan.id, name: plan.name, commissionBp: plan.commissionBp } : null
  })
}

/** Platform staff over all venues. */
export default class TenantsController {
  /** Venues with their status, plan, contact and sales (this month, last 30 days). */
  async index({ request }: HttpContext) {
    const filters = await tenantListValidator.validate(request.qs())
    const page = await Tenant.query()
      .if(filters.status, (q) => q.where('status', filters.status!))
      .if(filters.plan === 'none', (q) => q.whereNull('plan_id'))
      .if(filters.plan && filters.plan !== 'none', (q) => q.where('plan_id', filters.plan!))
      .if(filters.search, (q) => q.where((w) => w.whereILike('name', `%${filters.search}%`).orWhereILike('slug', `%${filters.search}%`)))
      .orderBy('id', 'desc')
      .paginate(filters.page ?? 1, filters.perPage ?? 50)
    const tenants = page.all()
    const [plans, sales] = await Promise.all([plansOf(tenants), salesOf(tenants)])
    const { meta, data } = page.serialize()
    return { meta, data: data.map((tenant, i) => ({ ...tenant, urls: venueUrls(tenants[i]), plan: plans[i], ...sales[i] })) }
  }

  async show({ params }: HttpContext) {
    const tenant = await Tenant.find(params.id)
    if (!tenant) throw notFound('No such venue', 'E_TENANT_NOT_FOUND')
    const [[plan], [sales]] = await Promise.all([plansOf([tenant]), salesOf([tenant])])
    return { tenant: { ...tenant.serialize(), urls: venueUrls(tenant), plan, ...sales } }
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

  async assignPlan({ params, request }: HttpContext) {
    const { planId } = await request.validateUsing(assignPlanValidator)
    return Plans.assign(Number(params.id), planId)
  }
}
