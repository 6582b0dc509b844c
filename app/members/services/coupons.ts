/*
 * Coupons (优惠券): campaigns with one code or many generated ones, the discount they give an
 * order (computed on the server only), and their redemption inside the checkout transaction.
 *
 * A use is taken by one conditional UPDATE (uses < max_uses, campaign active and valid now): the
 * row lock makes parallel checkouts with a single-use code wait for each other and all but one
 * find the code used up. The per-visitor limit is counted under a transaction-scoped advisory
 * lock on (campaign, visitor). A full refund gives the use back when the campaign says so.
 */
import { randomText } from '#core/random_text'
import { DateTime } from 'luxon'
import { invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export type CouponKind = 'amount_off' | 'percent_off'

export interface CampaignInput {
  name: string
  kind: CouponKind
  value: number
  minSpend?: number
  productIds?: number[]
  validFrom?: Date | null
  validUntil?: Date | null
  usesPerCode?: number
  usesPerVisitor?: number | null
  giveBackOnRefund?: boolean
  /** One code of the venue's choosing, or `count` generated ones. */
  code?: string
  count?: number
}

export interface CouponLine {
  productId: number
  price: number
}

interface CampaignRow {
  id: number
  name: string
  kind: CouponKind
  value: number
  min_spend: number
  product_ids: number[]
  valid_from: Date | null
  valid_until: Date | null
  uses_per_code: number
  uses_per_visitor: number | null
  give_back_on_refund: boolean
  status: 'active' | 'disabled'
}

/** Crockford base32: no I, L, O, U. */
const CODE_LENGTH = 10

export const generateCode = () => randomText(CODE_LENGTH)

/** Codes are matched case-insensitively, without spaces or dashes. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase().replace(/[\s-]/g, '')
}

const couponError = (message: string, code = 'E_COUPON_INVALID') => invalid('couponCode', message, code)

/** The discount a campaign gives these lines: only applicable products, never more than they cost. */
export function discountFor(campaign: Pick<CampaignRow, 'kind' | 'value' | 'min_spend' | 'product_ids'>, lines: CouponLine[]) {
  const applicable = campaign.product_ids.length ? new Set(campaign.product_ids.map(Number)) : null
  const eligible = lines.filter((line) => !applicable || applicable.has(line.productId)).reduce((sum, line) => sum + line.price, 0)
  if (eligible === 0) throw couponError('This coupon does not apply to these tickets', 'E_COUPON_NOT_APPLICABLE')
  if (eligible < campaign.min_spend) throw couponError(`This coupon needs a spend of at least ${campaign.min_spend} fen`, 'E_COUPON_MIN_SPEND')
  const off = campaign.kind === 'amount_off' ? campaign.value : Math.floor((eligible * campaign.value) / 100)
  return Math.max(0, Math.min(off, eligible))
}

function checkUsable(campaign: CampaignRow, now = new Date()) {
  if (campaign.status !== 'active') throw couponError('This coupon is no longer valid', 'E_COUPON_DISABLED')
  if (campaign.valid_from && campaign.valid_from > now) throw couponError('This coupon is not valid yet', 'E_COUPON_NOT_YET_VALID')
  if (campaign.valid_until && campaign.valid_until <= now) throw couponError('This coupon has expired', 'E_COUPON_EXPIRED')
}

const serializeCampaign = (row: CampaignRow & { codes?: number; used?: number }) => ({
  id: Number(row.id),
  name: row.name,
  kind: row.kind,
  value: row.value,
  minSpend: row.min_spend,
  productIds: row.product_ids.map(Number),
  validFrom: row.valid_from ? DateTime.fromJSDate(row.valid_from).toISO() : null,
  validUntil: row.valid_until ? DateTime.fromJSDate(row.valid_until).toISO() : null,
  usesPerCode: row.uses_per_code,
  usesPerVisitor: row.uses_per_visitor,
  giveBackOnRefund: row.give_back_on_refund,
  status: row.status,
  ...(row.codes !== undefined ? { codes: Number(row.codes), used: Number(row.used ?? 0) } : {}),
})

export default class Coupons {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Coupons(tenant)
  }

  async create(input: CampaignInput) {
    if (input.kind === 'percent_off' && (input.value < 1 || input.value > 100)) throw invalid('value', 'A percentage is 1 to 100')
    if (input.kind === 'amount_off' && input.value < 1) throw invalid('value', 'An amount off is at least 1 fen')
    if (input.validFrom && input.validUntil && input.validUntil <= input.validFrom) throw invalid('validUntil', 'The end must be after the start')
    if (input.code && input.count && input.count > 1) throw invalid('count', 'Give one code or a count of codes to generate, not both')
    return runInTenant(this.tenant, async (trx) => {
      const [campaign] = await trx
        .table('coupon_campaigns')
        .insert({
          name: input.name,
          kind: input.kind,
          value: input.value,
          min_spend: input.minSpend ?? 0,
          product_ids: JSON.stringify(input.productIds ?? []),
          valid_from: input.validFrom ?? null,
          valid_until: input.validUntil ?? null,
          uses_per_code: input.usesPerCode ?? 1,
          uses_per_visitor: input.usesPerVisitor ?? null,
          give_back_on_refund: input.giveBackOnRefund ?? false,
        })
        .returning('*')
      const wanted = input.code ? [normalizeCode(input.code)] : Array.from({ length: input.count ?? 1 }, generateCode)
      if (input.code) {
        const taken = await trx.from('coupon_codes').where('code', wanted[0]).first()
        if (taken) throw invalid('code', 'This code is already in use')
      }
      // Generated codes: 32^10 possibilities, so a clash is all but impossible; skip one if it happens.
      const rows = await trx
        .table('coupon_codes')
        .insert(wanted.map((code) => ({ campaign_id: campaign.id, code, max_uses: campaign.uses_per_code })))
        .onConflict('code')
        .ignore()
        .returning(['code'])
      const created = serializeCampaign(campaign)
      await auditLog.tenant(trx, { action: 'coupon_campaign.created', subjectType: 'coupon_campaign', subjectId: campaign.id, after: created, meta: { codes: rows.length } })
      return { campaign: created, codes: rows.map((row: { code: string }) => row.code) }
    })
  }

  async list() {
    return runInTenant(this.tenant, async (trx) => {
      const rows = await trx
        .from('coupon_campaigns as c')
        .select('c.*')
        .select(trx.raw('(select count(*) from coupon_codes k where k.campaign_id = c.id) as codes'))
        .select(trx.raw('(select coalesce(sum(k.uses), 0) from coupon_codes k where k.campaign_id = c.id) as used'))
        .orderBy('c.id', 'desc')
      return rows.map(serializeCampaign)
    })
  }

  async codes(campaignId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const campaign = await trx.from('coupon_campaigns').where('id', campaignId).first()
      if (!campaign) throw notFound('No such coupon campaign', 'E_COUPON_NOT_FOUND')
      const rows = await trx.from('coupon_codes').where('campaign_id', campaignId).orderBy('id').select('code', 'uses', 'max_uses')
      return rows.map((row) => ({ code: row.code, uses: row.uses, maxUses: row.max_uses }))
    })
  }

  async disable(campaignId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const [row] = await trx.from('coupon_campaigns').where('id', campaignId).update({ status: 'disabled', updated_at: new Date() }).returning('*')
      if (!row) throw notFound('No such coupon campaign', 'E_COUPON_NOT_FOUND')
      await auditLog.tenant(trx, { action: 'coupon_campaign.disabled', subjectType: 'coupon_campaign', subjectId: campaignId })
      return serializeCampaign(row)
    })
  }

  /** What a code would take off these lines now (for showing; the checkout decides again). */
  async quote(code: string, lines: CouponLine[]) {
    return runInTenant(this.tenant, async (trx) => {
      const found = await this.#find(trx, code)
      checkUsable(found.campaign)
      if (found.uses >= found.maxUses) throw couponError('This coupon has been used up', 'E_COUPON_USED_UP')
      return { code: found.code, discount: discountFor(found.campaign, lines) }
    })
  }

  /**
   * Takes one use of the code for an order being placed, in its transaction: the discount, or a
   * 422 on `couponCode`. Call `recordRedemption` once the order exists.
   */
  async redeem(trx: TenantTransaction, code: string, lines: CouponLine[], visitorId: number | null) {
    const found = await this.#find(trx, code)
    checkUsable(found.campaign)
    const discount = discountFor(found.campaign, lines)

    const campaign = found.campaign
    if (campaign.uses_per_visitor !== null) {
      if (visitorId === null) throw couponError('Sign in to use this coupon', 'E_COUPON_SIGN_IN')
      await trx.rawQuery('select pg_advisory_xact_lock(hashtext(?), ?)', [`coupon-visitor:${this.tenant.id}:${campaign.id}`, visitorId])
      const [{ count }] = await trx
        .from('coupon_redemptions')
        .where('campaign_id', campaign.id)
        .where('visitor_id', visitorId)
        .where('status', 'active')
        .count('* as count')
      if (Number(count) >= campaign.uses_per_visitor) throw couponError('You have already used this coupon as often as allowed', 'E_COUPON_VISITOR_LIMIT')
    }

    // The one statement that decides: parallel orders queue on the row and re-check uses < max_uses.
    const now = new Date()
    const taken = await trx
      .from('coupon_codes')
      .where('id', found.id)
      .whereRaw('uses < max_uses')
      .whereExists((query) =>
        query
          .from('coupon_campaigns')
          .where('coupon_campaigns.id', campaign.id)
          .where('status', 'active')
          .where((q) => q.whereNull('valid_from').orWhere('valid_from', '<=', now))
          .where((q) => q.whereNull('valid_until').orWhere('valid_until', '>', now))
      )
      .increment('uses', 1)
      .returning(['id'])
    if (!taken.length) throw couponError('This coupon has been used up', 'E_COUPON_USED_UP')
    return { codeId: found.id, campaignId: campaign.id, code: found.code, discount, visitorId }
  }

  async recordRedemption(trx: TenantTransaction, taken: { codeId: number; campaignId: number; discount: number; visitorId: number | null }, orderId: number) {
    await trx.table('coupon_redemptions').insert({
      code_id: taken.codeId,
      campaign_id: taken.campaignId,
      order_id: orderId,
      visitor_id: taken.visitorId,
      amount: taken.discount,
    })
  }

  /**
   * A fully refunded order gives its code's use back if its campaign says so; an order that ended
   * unpaid (expired, cancelled) always does: nothing was bought with it.
   */
  static async giveBack(trx: TenantTransaction, orderId: number, options: { unpaid?: boolean } = {}) {
    const redemptions = await trx
      .from('coupon_redemptions as r')
      .join('coupon_campaigns as c', 'c.id', 'r.campaign_id')
      .where('r.order_id', orderId)
      .where('r.status', 'active')
      .if(!options.unpaid, (query) => query.where('c.give_back_on_refund', true))
      .forUpdate('r')
      .select('r.id', 'r.code_id')
    for (const redemption of redemptions) {
      await trx.from('coupon_redemptions').where('id', redemption.id).update({ status: 'returned', updated_at: new Date() })
      await trx.from('coupon_codes').where('id', redemption.code_id).where('uses', '>', 0).decrement('uses', 1)
    }
    return redemptions.length
  }

  async #find(trx: TenantTransaction, code: string) {
    const row = await trx
      .from('coupon_codes as k')
      .join('coupon_campaigns as c', 'c.id', 'k.campaign_id')
      .where('k.code', normalizeCode(code))
      .select('k.id as code_id', 'k.code', 'k.uses', 'k.max_uses', 'c.*')
      .first()
    if (!row) throw couponError('No such coupon code', 'E_COUPON_UNKNOWN')
    const campaign = { ...row, id: Number(row.id) } as CampaignRow
    return { id: Number(row.code_id), code: row.code as string, uses: Number(row.uses), maxUses: Number(row.max_uses), campaign }
  }
}
