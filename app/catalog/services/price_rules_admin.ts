/*
 * The console side of the price calendar: a product's price rules and the venue's calendar days
 * (public holidays, make-up workdays 调休). Each change runs in one tenant transaction together
 * with its audit record. A rule's dates must be in order, and its session must be one of the
 * product's site.
 */
import { DateTime } from 'luxon'
import { invalid, notFound } from '#core/app_error'
import CalendarDay from '#catalog/models/calendar_day'
import PriceRule from '#catalog/models/price_rule'
import Product from '#catalog/models/product'
import Session from '#catalog/models/session'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import { priceRuleFields as fieldsOf, type PriceRuleFields } from '#catalog/services/price_calendar'


export type NewPriceRule = Partial<PriceRuleFields> & Pick<PriceRuleFields, 'price'>

export type PriceRuleChanges = Partial<PriceRuleFields>

export interface CalendarDayState {
  kind: 'holiday' | 'workday'
  name?: string
}

/** A new rule applies to every session, day and date unless it says otherwise. */
const RULE_DEFAULTS = { sessionId: null, dateFrom: null, dateTo: null, dayKind: 'any', memberPrice: null } as const

async function assertProductExists(trx: TenantTransaction, productId: number) {
  const product = await Product.query({ client: trx }).where('id', productId).first()
  if (!product) throw notFound('No such product', 'E_PRODUCT_NOT_FOUND')
}

async function findRule(trx: TenantTransaction, id: number) {
  const rule = await PriceRule.query({ client: trx }).where('id', id).forUpdate().first()
  if (!rule) throw notFound('No such price rule', 'E_PRICE_RULE_NOT_FOUND')
  return rule
}

/** Checks `fields` for the product's rule and returns them as the model's attributes. */
async function ruleAttributes(trx: TenantTransaction, productId: number, fields: PriceRuleFields) {
  if (fields.dateFrom !== null && fields.dateTo !== null && fields.dateTo < fields.dateFrom) {
    throw invalid('dateTo', 'The last day must not be before the first day', 'E_DATE_RANGE')
  }
  if (fields.sessionId !== null) {
    const session = await Session.query({ client: trx })
      .where('id', fields.sessionId)
      .whereIn('site_id', trx.from('products').select('site_id').where('id', productId))
      .first()
    if (!session) throw invalid('sessionId', "No such session at the product's site", 'E_UNKNOWN_SESSION')
  }
  return {
    ...fields,
    dateFrom: fields.dateFrom === null ? null : DateTime.fromISO(fields.dateFrom),
    dateTo: fields.dateTo === null ? null : DateTime.fromISO(fields.dateTo),
  }
}

function findDay(trx: TenantTransaction, date: string) {
  return CalendarDay.query({ client: trx }).where('day', date).forUpdate().first()
}

export default class PriceRulesAdmin {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new PriceRulesAdmin(tenant)
  }

  listRules(productId: number) {
    return runInTenant(this.tenant, async (trx) => {
      await assertProductExists(trx, productId)
      const rules = await PriceRule.query({ client: trx }).where('product_id', productId).orderBy('id')
      return rules.map((rule) => rule.serialize())
    })
  }

  createRule(productId: number, input: NewPriceRule) {
    return runInTenant(this.tenant, async (trx) => {
      await assertProductExists(trx, productId)
      const attributes = await ruleAttributes(trx, productId, { ...RULE_DEFAULTS, ...input })
      const rule = await PriceRule.create({ productId, ...attributes }, { client: trx })
      const after = rule.serialize()
      await auditLog.tenant(trx, { action: 'price_rule.created', subjectType: 'price_rule', subjectId: rule.id, after })
      return after
    })
  }

  updateRule(id: number, changes: PriceRuleChanges) {
    return runInTenant(this.tenant, async (trx) => {
      const rule = await findRule(trx, id)
      const before = rule.serialize()
      rule.merge(await ruleAttributes(trx, rule.productId, { ...fieldsOf(rule), ...changes }))
      await rule.save()
      const after = rule.serialize()
      await auditLog.tenant(trx, { action: 'price_rule.updated', subjectType: 'price_rule', subjectId: id, before, after })
      return after
    })
  }

  deleteRule(id: number) {
    return runInTenant(this.tenant, async (trx) => {
      const rule = await findRule(trx, id)
      const before = rule.serialize()
      await rule.delete()
      await auditLog.tenant(trx, { action: 'price_rule.deleted', subjectType: 'price_rule', subjectId: id, before })
    })
  }

  listDays(from: string, to: string) {
    return runInTenant(this.tenant, async (trx) => {
      const days = await CalendarDay.query({ client: trx }).whereBetween('day', [from, to]).orderBy('day')
      return days.map((day) => day.serialize())
    })
  }

  /** Marks `date` as a holiday or a make-up workday, or changes how it is marked. */
  setDay(date: string, state: CalendarDayState) {
    return runInTenant(this.tenant, async (trx) => {
      const before = (await findDay(trx, date))?.serialize() ?? null
      // An upsert, so two first markings of the same day at once do not collide on the key.
      const after = { day: date, kind: state.kind, name: state.name ?? null }
      await trx.knexQuery().table('calendar_days').insert(after).onConflict('day').merge()
      await auditLog.tenant(trx, {
        action: before ? 'calendar_day.updated' : 'calendar_day.created',
        subjectType: 'calendar_day',
        subjectId: date,
        before,
        after,
      })
      return after
    })
  }

  deleteDay(date: string) {
    return runInTenant(this.tenant, async (trx) => {
      const day = await findDay(trx, date)
      if (!day) throw notFound('This day is neither a holiday nor a make-up workday', 'E_CALENDAR_DAY_NOT_FOUND')
      // By key rather than day.delete(): the key is a date, which the model holds as a DateTime.
      await CalendarDay.query({ client: trx }).where('day', date).delete()
      await auditLog.tenant(trx, { action: 'calendar_day.deleted', subjectType: 'calendar_day', subjectId: date, before: day.serialize() })
    })
  }
}
