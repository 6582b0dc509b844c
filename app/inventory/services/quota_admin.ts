/*
 * Quotas of sessions as the console sets them up: capacity and the products drawing on it.
 * `held` and `sold` move only through the inventory's conditional statements; lowering a
 * capacity is conditional too, one statement refusing to go below held + sold + reserved (places
 * set aside for vouchers, docs/members.md), so it can never
 * squeeze out a hold taken at the same moment. Each change is audited in its transaction.
 */
import { AppError, invalid, notFound } from '#core/app_error'
import Quota from '#inventory/models/quota'
import Session from '#catalog/models/session'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import type { QuotaChanges, QuotaTemplate } from '#inventory/validators/quota'

/** The products exist and belong to the site; else a 422 on `field`. */
export async function assertSiteProducts(trx: TenantTransaction, siteId: number, productIds: number[], field: string) {
  const found = await trx.from('products').where('site_id', siteId).whereIn('id', productIds).select('id')
  const known = new Set(found.map((row: { id: number }) => row.id))
  const foreign = productIds.filter((id) => !known.has(id))
  if (foreign.length) throw invalid(field, `Not a product of this site: ${foreign.join(', ')}`, 'E_PRODUCT_NOT_AT_SITE')
}

/**
 * Gives every session each template's quota and its products, in one statement however many
 * sessions there are (a year of slots). Quota ids are drawn first, so the products attach to
 * them without matching on names. Returns the new quota ids.
 */
export async function insertQuotas(trx: TenantTransaction, sessionIds: number[], templates: QuotaTemplate[]): Promise<number[]> {
  if (!sessionIds.length || !templates.length) return []
  const result = await trx.rawQuery(
    `with template as (
       select * from jsonb_to_recordset(?::jsonb) as t(name text, capacity integer, product_ids bigint[])
     ), planned as (
       select nextval(pg_get_serial_sequence('quotas', 'id')) as id, target.session_id, template.*
       from (select value::bigint as session_id from jsonb_array_elements_text(?::jsonb)) as target
       cross join template
     ), new_quotas as (
       insert into quotas (id, session_id, name, capacity, created_at, updated_at)
       select id, session_id, name, capacity, now(), now() from planned
     ), new_links as (
       insert into quota_products (quota_id, product_id) select id, unnest(product_ids) from planned
     )
     select id from planned order by id`,
    [
      JSON.stringify(templates.map(({ name, capacity, productIds }) => ({ name, capacity, product_ids: productIds }))),
      JSON.stringify(sessionIds),
    ]
  )
  return result.rows.map((row: { id: number }) => row.id)
}

/** Quotas as the API and the audit log show them: with held, sold, remaining and their products. */
async function present(trx: TenantTransaction, quotas: Quota[]) {
  const links = quotas.length
    ? await trx.from('quota_products').whereIn('quota_id', quotas.map((quota) => quota.id)).orderBy('product_id')
    : []
  return quotas.map((quota) => ({
    ...quota.serialize(),
    productIds: links.filter((link: { quota_id: number }) => link.quota_id === quota.id).map((link: { product_id: number }) => link.product_id),
  }))
}

async function findSession(trx: TenantTransaction, id: number) {
  const session = await Session.query({ client: trx }).where('id', id).first()
  if (!session) throw notFound('No such session', 'E_SESSION_NOT_FOUND')
  return session
}

export default class QuotaAdmin {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new QuotaAdmin(tenant)
  }

  list(sessionId: number) {
    return runInTenant(this.tenant, async (trx) => {
      await findSession(trx, sessionId)
      return present(trx, await Quota.query({ client: trx }).where('session_id', sessionId).orderBy('id'))
    })
  }

  create(sessionId: number, template: QuotaTemplate) {
    return runInTenant(this.tenant, async (trx) => {
      const session = await findSession(trx, sessionId)
      await assertSiteProducts(trx, session.siteId, template.productIds, 'productIds')
      const [id] = await insertQuotas(trx, [session.id], [template])
      const [after] = await present(trx, [await Quota.query({ client: trx }).where('id', id).firstOrFail()])
      await auditLog.tenant(trx, { action: 'quota.created', subjectType: 'quota', subjectId: id, after })
      return after
    })
  }

  update(id: number, changes: QuotaChanges) {
    return runInTenant(this.tenant, async (trx) => {
      const quota = await Quota.query({ client: trx }).where('id', id).first()
      if (!quota) throw notFound('No such quota', 'E_QUOTA_NOT_FOUND')
      const [before] = await present(trx, [quota])
      const { productIds, ...columns } = changes
      if (productIds) {
        const session = await findSession(trx, quota.sessionId)
        await assertSiteProducts(trx, session.siteId, productIds, 'productIds')
      }
      if (columns.name !== undefined || columns.capacity !== undefined) await this.#change(trx, id, columns)
      if (productIds) {
        await trx.from('quota_products').where('quota_id', id).delete()
        await trx.insertQuery().table('quota_products').multiInsert(productIds.map((productId) => ({ quota_id: id, product_id: productId })))
      }
      const [after] = await present(trx, [await Quota.query({ client: trx }).where('id', id).firstOrFail()])
      await auditLog.tenant(trx, { action: 'quota.updated', subjectType: 'quota', subjectId: id, before, after })
      return after
    })
  }

  /** One conditional statement: a capacity below what is already held or sold changes nothing. */
  async #change(trx: TenantTransaction, id: number, columns: Omit<QuotaChanges, 'productIds'>) {
    const capacity = columns.capacity
    const changed = await trx
      .from('quotas')
      .where('id', id)
      .if(capacity !== undefined, (query) => query.whereRaw('held + sold + reserved <= ?', [capacity!]))
      .update({ ...columns, updated_at: new Date() })
    if (Number(changed) === 1) return
    // Only to word the refusal; the decision was the statement's.
    const { used } = await trx.from('quotas').where('id', id).select(trx.raw('held + sold + reserved as used')).firstOrFail()
    throw new AppError(`Cannot lower the capacity to ${capacity}: ${used} already sold or held (places set aside for vouchers included)`, {
      status: 409,
      code: 'E_CAPACITY_IN_USE',
      field: 'capacity',
    })
  }
}
