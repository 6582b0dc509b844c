/*
 * Coupons (优惠券): campaigns with one code or many generated ones, the discount they give an
 * order (computed on the server only), and their redemption inside the checkout transaction.
 *
 * A use is taken by one conditional UPDATE (uses < max_uses, campaign active and valid now): the
 * row lock makes parallel checkouts with a single-use code wait for each other and all but one
 * find the code used up. The per-visitor limit is counted under a transaction-scoped advisory
 * lock on (campaign, visitor). A full refund gives the use back when the campaign says so.
 *
 * A campaign's code is also a voucher (vouchers.ts): it unlocks the voucher-only products among
 * its products and may have places set aside for it. Editing: every term may change, but a
 * discount (kind, value) once used by an order stays as it was: disable the campaign and start
 * another. A new uses-per-code applies to the existing codes too, never below a code's uses.
 */
import { randomText } from '#core/random_text'
import { DateTime } from 'luxon'
import { invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { campaignReserves, setReserves, type ReserveAsk } from '#members/services/vouchers'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** 'none': a voucher that only unlocks products or reserved places, no discount. */
export type CouponKind = 'amount_off' | 'percent_off' | 'none'

export interface CampaignTerms {
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
  /** Places set aside for its codes, per session (replacing the campaign's when given). */
  reserves?: ReserveAsk[]
}

/** One code of the venue's choosing, or `count` generated ones (one when neither is given). */
export interface NewCodes {
  code?: string
  count?: number
}

export type CampaignInput = CampaignTerms & NewCodes

export interface CouponLine {
  productId: number
  price: number
}

export interface CampaignRow {
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
const usedUp = () => couponError('This coupon has been used up', 'E_COUPON_USED_UP')

/**
 * The discount a campaign gives these lines: only applicable products, never more than they cost
 * (free tickets it applies to take nothing off, e.g. an invitation unlocked by a voucher).
 */
export function discountFor(campaign: Pick<CampaignRow, 'kind' | 'value' | 'min_spend' | 'product_ids'>, lines: CouponLine[]) {
  const applicable = campaign.product_ids.length ? new Set(campaign.product_ids.map(Number)) : null
  const eligibleLines = lines.filter((line) => !applicable || applicable.has(line.productId))
  if (!eligibleLines.length) throw couponError('This coupon does not apply to these tickets', 'E_COUPON_NOT_APPLICABLE')
  const eligible = eligibleLines.reduce((sum, line) => sum + line.price, 0)
  if (eligible < campaign.min_spend) throw couponError(`This coupon needs a spend of at least ${campaign.min_spend} fen`, 'E_COUPON_MIN_SPEND')
  const off = { amount_off: campaign.value, percent_off: Math.floor((eligible * campaign.value) / 100), none: 0 }[campaign.kind]
  return Math.max(0, Math.min(off, eligible))
}

/** A discount that makes sense, and a validity window in order; else a 422 on the field. */
function assertTerms(terms: Pick<CampaignTerms, 'kind' | 'value' | 'validFrom' | 'validUntil'>) {
  if (terms.kind === 'percent_off' && (terms.value < 1 || terms.value > 100)) throw invalid('value', 'A percentage is 1 to 100')
  if (terms.kind === 'amount_off' && terms.value < 1) throw invalid('value', 'An amount off is at least 1 fen')
  if (terms.kind === 'none' && terms.value !== 0) throw invalid('value', 'A voucher without a discount has the value 0')
  if (terms.validFrom && terms.validUntil && terms.validUntil <= terms.validFrom) throw invalid('validUntil', 'The end must be after the start')
}

export function checkUsable(campaign: CampaignRow, now = new Date()) {
  if (campaign.status !== 'active') throw couponError('This coupon is no longer valid', 'E_COUPON_DISABLED')
  if (campaign.valid_from && campaign.valid_from > now) throw couponError('This coupon is not valid yet', 'E_COUPON_NOT_YET_VALID')
  if (campaign.valid_until && campaign.valid_until <= now) throw couponError('This coupon has expired', 'E_COUPON_EXPIRED')
}

const serializeCampaign = (row: CampaignRow & { codes?: number; used?: number }, reserves?: Awaited<ReturnType<typeof campaignReserves>>) => ({
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
  ...(reserves ? { reserves: reserves.filter((reserve) => reserve.campaignId === Number(row.id)).map(({ campaignId: _c, ...reserve }) => reserve) } : {}),
})

const notFoundCampaign = () => notFound('No such coupon campaign', 'E_COUPON_NOT_FOUND')

export default class Coupons {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Coupons(tenant)
  }

  async create(input: CampaignInput) {
    assertTerms(input)
    assertOneWay(input)
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
      if (input.reserves?.length) await setReserves(trx, campaign, input.reserves)
      const codes = await insertCodes(trx, campaign, input)
      const created = serializeCampaign(campaign, await campaignReserves(trx, [campaign.id]))
      await auditLog.tenant(trx, { action: 'coupon_campaign.created', subjectType: 'coupon_campaign', subjectId: campaign.id, after: created, meta: { codes: codes.length } })
      return { campaign: created, codes }
    })
  }

  /** Changes a campaign's terms (each given one); see the head of this file for what stays. */
  async update(campaignId: number, changes: Partial<CampaignTerms>) {
    return runInTenant(this.tenant, async (trx) => {
      const row = await trx.from('coupon_campaigns').where('id', campaignId).forUpdate().first()
      if (!row) throw notFoundCampaign()
      const before = serializeCampaign(row, await campaignReserves(trx, [campaignId]))
      const { reserves, ...terms } = changes
      assertTerms({ ...row, validFrom: row.valid_from, validUntil: row.valid_until, ...terms })
      for (const field of ['kind', 'value'] as const) {
        if (terms[field] === undefined || terms[field] === before[field]) continue
        if (await trx.from('coupon_redemptions').where('campaign_id', campaignId).first()) {
          throw invalid(field, 'Orders already used this discount: it stays as it is (disable the campaign and start another)', 'E_COUPON_IN_USE')
        }
      }
      const columns = {
        name: terms.name,
        kind: terms.kind,
        value: terms.value,
        min_spend: terms.minSpend,
        product_ids: terms.productIds && JSON.stringify(terms.productIds),
        valid_from: terms.validFrom,
        valid_until: terms.validUntil,
        uses_per_code: terms.usesPerCode,
        uses_per_visitor: terms.usesPerVisitor,
        give_back_on_refund: terms.giveBackOnRefund,
      }
      const [campaign] = await trx
        .from('coupon_campaigns')
        .where('id', campaignId)
        .update({ ...Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined)), updated_at: new Date() })
        .returning('*')
      if (terms.usesPerCode !== undefined) {
        await trx.from('coupon_codes').where('campaign_id', campaignId).update({ max_uses: trx.raw('greatest(?::int, uses)', [terms.usesPerCode]) })
      }
      if (reserves) await setReserves(trx, campaign, reserves)
      const after = serializeCampaign(campaign, await campaignReserves(trx, [campaignId]))
      await auditLog.tenant(trx, { action: 'coupon_campaign.updated', subjectType: 'coupon_campaign', subjectId: campaignId, before, after })
      return after
    })
  }

  /** More codes for a campaign: one of the venue's choosing, or `count` generated ones. */
  async addCodes(campaignId: number, asked: NewCodes) {
    assertOneWay(asked)
    return runInTenant(this.tenant, async (trx) => {
      const campaign = await trx.from('coupon_campaigns').where('id', campaignId).first()
      if (!campaign) throw notFoundCampaign()
      const codes = await insertCodes(trx, campaign, asked)
      await auditLog.tenant(trx, { action: 'coupon_codes.added', subjectType: 'coupon_campaign', subjectId: campaignId, meta: { codes: codes.length } })
      return codes
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
      const reserves = await campaignReserves(trx, rows.map((row) => row.id))
      return rows.map((row) => serializeCampaign(row, reserves))
    })
  }

  async codes(campaignId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const campaign = await trx.from('coupon_campaigns').where('id', campaignId).first()
      if (!campaign) throw notFoundCampaign()
      const rows = await trx.from('coupon_codes').where('campaign_id', campaignId).orderBy('id').select('code', 'uses', 'max_uses')
      return rows.map((row) => ({ code: row.code, uses: row.uses, maxUses: row.max_uses }))
    })
  }

  /** Ends the campaign; the places still set aside for it go back on general sale. */
  async disable(campaignId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const [row] = await trx.from('coupon_campaigns').where('id', campaignId).update({ status: 'disabled', updated_at: new Date() }).returning('*')
      if (!row) throw notFoundCampaign()
      await setReserves(trx, row, [])
      await auditLog.tenant(trx, { action: 'coupon_campaign.disabled', subjectType: 'coupon_campaign', subjectId: campaignId })
      return serializeCampaign(row)
    })
  }

  /**
   * What a code would take off these lines for this visitor now (the order's quote), with the
   * refusals redeem would give, taking no use; the checkout decides again.
   */
  async quote(trx: TenantTransaction, code: string, lines: CouponLine[], visitorId: number | null) {
    const { found, discount } = await this.#priced(trx, code, lines, visitorId)
    if (found.uses >= found.maxUses) throw usedUp()
    return { code: found.code, name: found.campaign.name, discount, productIds: found.campaign.product_ids.map(Number) }
  }

  /**
   * Takes one use of the code for an order being placed, in its transaction: the discount, or a
   * 422 on `couponCode`. Call `recordRedemption` once the order exists.
   */
  async redeem(trx: TenantTransaction, code: string, lines: CouponLine[], visitorId: number | null) {
    const { found, discount } = await this.#priced(trx, code, lines, visitorId)
    const campaign = found.campaign
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
    if (!taken.length) throw usedUp()
    return { codeId: found.id, campaignId: campaign.id, code: found.code, discount, visitorId }
  }

  /** The code usable now by this visitor (its per-visitor limit counted under its lock), and its discount on these lines. */
  async #priced(trx: TenantTransaction, code: string, lines: CouponLine[], visitorId: number | null) {
    const found = await findCode(trx, code)
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
    return { found, discount }
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
}

/** A code and its campaign; a 422 on couponCode if there is no such code. */
async function findCode(trx: TenantTransaction, code: string) {
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

/** A code that can be used now (its campaign active and valid, a use left); else a 422 on couponCode. */
export async function usableCode(trx: TenantTransaction, code: string) {
  const found = await findCode(trx, code)
  checkUsable(found.campaign)
  if (found.uses >= found.maxUses) throw usedUp()
  return found
}

function assertOneWay(asked: NewCodes) {
  if (asked.code && asked.count && asked.count > 1) throw invalid('count', 'Give one code or a count of codes to generate, not both')
}

/** Inserts the asked codes of a campaign (uses_per_code uses each); returns the codes made. */
async function insertCodes(trx: TenantTransaction, campaign: CampaignRow, asked: NewCodes): Promise<string[]> {
  const wanted = asked.code ? [normalizeCode(asked.code)] : Array.from({ length: asked.count ?? 1 }, generateCode)
  if (asked.code) {
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
  return rows.map((row: { code: string }) => row.code)
}
