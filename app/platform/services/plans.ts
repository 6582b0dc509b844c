/*
 * Plans (套餐): what platform staff sell venues — limits on sites, staff accounts and orders a
 * month, and the commission on paid orders — and where those limits bite (site and staff creation,
 * checkout). Every change of a plan or of a venue's plan is audited in the platform log.
 */
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { AppError, invalid, notFound } from '#core/app_error'
import Plan from '#platform/models/plan'
import Tenant from '#tenancy/models/tenant'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import { auditLog } from '#identity/audit/audit_log'

export type PlanFields = Partial<Pick<Plan, 'name' | 'description' | 'maxSites' | 'maxStaff' | 'maxMonthlyOrders' | 'commissionBp' | 'active'>>

export type PlanLimit = 'sites' | 'staff' | 'monthlyOrders'

const LIMIT_NAMES: Record<PlanLimit, string> = { sites: 'sites', staff: 'active staff accounts', monthlyOrders: 'orders this month' }

/** A venue's plan is looked up at most every few seconds per process (checkout asks on every order). */
const PLAN_CACHE_MS = 5_000
/** Checkout recounts the month's orders this often, and at every order once this close to the limit. */
const ORDER_COUNT_MS = 10_000
const ORDER_COUNT_SLACK = 20

const ZONE = 'Asia/Shanghai'

function present(plan: Plan) {
  return plan.serialize()
}

/**
 * The commission on `amountFen` at `commissionBp` basis points, in whole fen: amount × bp / 10000
 * rounded half up (四舍五入), computed in integers so no float ever touches money. Applied per
 * order (per payment), so a venue's commission is the sum of its orders' rounded commissions.
 */
export function commissionOf(amountFen: number, commissionBp: number): number {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new RangeError('The amount must be a whole, non-negative number of fen')
  return Math.floor((amountFen * commissionBp + 5_000) / 10_000)
}

class PlanLimits {
  #plans = new Map<number, { plan: Plan | null; expires: number }>()
  #orders = new Map<number, { month: number; count: number; at: number }>()

  /** The venue's plan, or null (no plan: no limits, no commission). */
  async planOf(tenant: { id: number }): Promise<Plan | null> {
    const hit = this.#plans.get(tenant.id)
    if (hit && hit.expires > Date.now()) return hit.plan
    const plan = await Plan.query().whereIn('id', db.from('tenants').where('id', tenant.id).select('plan_id')).first()
    this.#plans.set(tenant.id, { plan, expires: Date.now() + PLAN_CACHE_MS })
    return plan
  }

  /** The platform's commission on a paid amount of the venue, by its current plan (0 without one). */
  async commissionFor(tenant: { id: number }, amountFen: number): Promise<number> {
    const plan = await this.planOf(tenant)
    return commissionOf(amountFen, plan?.commissionBp ?? 0)
  }

  forget(tenantId?: number) {
    if (tenantId === undefined) this.#plans.clear()
    else this.#plans.delete(tenantId)
    this.#orders.clear()
  }

  /**
   * Refuses a new site once the plan's count is reached. Call inside the transaction that creates
   * it: a transaction-scoped advisory lock per venue makes two simultaneous creations queue, so
   * the count is exact.
   */
  async assertSiteRoom(trx: TenantTransaction, tenant: { id: number }) {
    const plan = await this.planOf(tenant)
    if (plan?.maxSites === null || plan?.maxSites === undefined) return
    await this.#lock(trx, 'sites', tenant.id)
    const [{ total }] = await trx.from('sites').count('* as total')
    this.#check('sites', Number(total), plan.maxSites)
  }

  /** Refuses a new active staff account once the plan's count is reached (same lock as sites). */
  async assertStaffRoom(trx: TenantTransaction, tenant: { id: number }) {
    const plan = await this.planOf(tenant)
    if (plan?.maxStaff === null || plan?.maxStaff === undefined) return
    await this.#lock(trx, 'staff', tenant.id)
    const [{ total }] = await trx.from('staff_users').where('status', 'active').count('* as total')
    this.#check('staff', Number(total), plan.maxStaff)
  }

  /**
   * Refuses an order once the venue has placed its plan's orders this calendar month (Asia/Shanghai;
   * expired and cancelled orders do not count). Checkout is the hot path, so the count is kept per
   * process and recounted every ORDER_COUNT_MS, and at every order within ORDER_COUNT_SLACK of the
   * limit: orders placed at the same instant by several processes may pass the limit by a few.
   */
  async assertOrderRoom(tenant: { id: number; schemaName: string }) {
    const plan = await this.planOf(tenant)
    if (plan?.maxMonthlyOrders === null || plan?.maxMonthlyOrders === undefined) return
    const month = DateTime.now().setZone(ZONE).startOf('month')
    let known = this.#orders.get(tenant.id)
    const stale = !known || known.month !== month.toMillis() || Date.now() - known.at > ORDER_COUNT_MS
    if (stale || known!.count >= plan.maxMonthlyOrders - ORDER_COUNT_SLACK) {
      const count = await runInTenant(tenant, async (trx) => {
        const [{ total }] = await trx
          .from('orders')
          .where('created_at', '>=', month.toJSDate())
          .whereNotIn('status', ['expired', 'cancelled'])
          .count('* as total')
        return Number(total)
      })
      known = { month: month.toMillis(), count, at: Date.now() }
      this.#orders.set(tenant.id, known)
    }
    this.#check('monthlyOrders', known!.count, plan.maxMonthlyOrders)
    known!.count += 1
  }

  #check(limit: PlanLimit, count: number, max: number) {
    if (count < max) return
    throw new AppError(`Your plan allows at most ${max} ${LIMIT_NAMES[limit]}: ask the platform for a larger plan`, {
      status: 403,
      code: 'E_PLAN_LIMIT_REACHED',
      meta: { limit, max },
    })
  }

  #lock(trx: TenantTransaction, limit: PlanLimit, tenantId: number) {
    return trx.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [`plan-limit:${limit}:${tenantId}`])
  }
}

export const planLimits = new PlanLimits()

/** Plans as platform staff manage them. */
export default class Plans {
  static async list() {
    const plans = await Plan.query().orderBy('id')
    const counts = await db.from('tenants').whereNotNull('plan_id').groupBy('plan_id').select('plan_id').count('* as total')
    const byPlan = new Map(counts.map((row) => [Number(row.plan_id), Number(row.total)]))
    return plans.map((plan) => ({ ...present(plan), tenantCount: byPlan.get(plan.id) ?? 0 }))
  }

  static async create(fields: PlanFields & { name: string }) {
    return db.transaction(async (trx) => {
      await Plans.#assertNameFree(trx, fields.name)
      const plan = await Plan.create(fields, { client: trx })
      await plan.refresh()
      const after = present(plan)
      await auditLog.platform({ action: 'plan.created', subjectType: 'plan', subjectId: plan.id, after }, trx)
      return after
    })
  }

  static async update(id: number, changes: PlanFields) {
    const after = await db.transaction(async (trx) => {
      const plan = await Plans.#find(trx, id)
      if (changes.name !== undefined) await Plans.#assertNameFree(trx, changes.name, id)
      const before = present(plan)
      await plan.merge(changes).save()
      const after = present(plan)
      await auditLog.platform({ action: 'plan.updated', subjectType: 'plan', subjectId: plan.id, before, after }, trx)
      return after
    })
    planLimits.forget()
    return after
  }

  /** Only a plan no venue is on can be deleted; one in use is deactivated instead. */
  static async destroy(id: number) {
    await db.transaction(async (trx) => {
      const plan = await Plans.#find(trx, id)
      const inUse = await trx.from('tenants').where('plan_id', id).select('id').first()
      if (inUse) throw new AppError('Venues are on this plan: move them first, or deactivate it', { status: 409, code: 'E_PLAN_IN_USE' })
      const before = present(plan)
      await plan.delete()
      await auditLog.platform({ action: 'plan.deleted', subjectType: 'plan', subjectId: id, before }, trx)
    })
  }

  /** Puts a venue on a plan (an active one), or on none. */
  static async assign(tenantId: number, planId: number | null) {
    const result = await db.transaction(async (trx) => {
      const tenant = await Tenant.query({ client: trx }).where('id', tenantId).forUpdate().first()
      if (!tenant) throw notFound('No such venue', 'E_TENANT_NOT_FOUND')
      const plan = planId === null ? null : await Plan.query({ client: trx }).where('id', planId).forShare().first()
      if (planId !== null && !plan) throw invalid('planId', 'No such plan', 'E_PLAN_NOT_FOUND')
      if (plan && !plan.active) throw invalid('planId', 'This plan is no longer offered', 'E_PLAN_INACTIVE')
      const [current] = await trx.from('tenants').where('id', tenantId).select('plan_id')
      const before = { planId: current.plan_id === null ? null : Number(current.plan_id) }
      await trx.from('tenants').where('id', tenantId).update({ plan_id: planId, updated_at: new Date() })
      await auditLog.platform(
        { action: 'tenant.plan_changed', subjectType: 'tenant', subjectId: tenantId, tenantId, before, after: { planId, planName: plan?.name ?? null } },
        trx
      )
      return { tenantId, plan: plan ? present(plan) : null }
    })
    planLimits.forget(tenantId)
    return result
  }

  static async #find(trx: QueryClientContract, id: number) {
    const plan = await Plan.query({ client: trx }).where('id', id).forUpdate().first()
    if (!plan) throw notFound('No such plan', 'E_PLAN_NOT_FOUND')
    return plan
  }

  static async #assertNameFree(trx: QueryClientContract, name: string, exceptId?: number) {
    const taken = await trx
      .from('plans')
      .whereRaw('lower(name) = lower(?)', [name])
      .if(exceptId, (q) => q.whereNot('id', exceptId!))
      .first()
    if (taken) throw invalid('name', 'A plan with this name already exists', 'E_PLAN_NAME_TAKEN')
  }
}
