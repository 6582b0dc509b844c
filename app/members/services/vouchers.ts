/*
 * Vouchers (pretix's sense): what a coupon campaign's code opens besides its discount.
 *
 * - Voucher-only products (products.requires_voucher): never listed to visitors; the hold
 *   statement refuses them unless the order's code belongs to a campaign naming them among its
 *   products, so no path (checkout, a bare hold, a distributor) sells one without such a code.
 *   GET /api/vouchers/:code shows what a code opens; the product page and its availability take
 *   `?voucher=CODE`.
 * - Reserved places (预留名额): a campaign sets aside places of sessions. Each asked session's
 *   reserve goes on the session's quotas that the campaign's products draw on (every quota of
 *   the session when it names no products), a row per quota counting the places still set
 *   aside; quotas.reserved is their sum, and general buyers never see it. A voucher hold takes
 *   from its reserve first (inventory_service.ts, one statement under the quota locks). Changing
 *   a reserve locks the quotas the same way, so it is decided against what is really free:
 *   more places set aside than are free is refused, fewer gives them back to general sale. A
 *   reserve at 0 is deleted (and a disabled campaign keeps none), so a hold released later finds
 *   no reserve to refill and its places go to general sale.
 */
import { AppError, invalid } from '#core/app_error'
import VenueProducts from '#catalog/services/venue_products'
import { usableCode, type CampaignRow } from '#members/services/coupons'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** Places of a session to keep for a campaign's codes (0: none). */
export interface ReserveAsk {
  sessionId: number
  places: number
}

/** The campaigns' reserves as the console shows them, one per quota. */
export async function campaignReserves(trx: TenantTransaction, campaignIds: number[]) {
  if (!campaignIds.length) return []
  const rows = await trx
    .from('voucher_reserves as vr')
    .join('quotas as q', 'q.id', 'vr.quota_id')
    .whereIn('vr.campaign_id', campaignIds)
    .orderBy(['q.session_id', 'q.id'])
    .select('vr.campaign_id', 'q.session_id', 'q.id as quota_id', 'q.name as quota_name', 'vr.places')
  return rows.map((row) => ({
    campaignId: Number(row.campaign_id),
    sessionId: Number(row.session_id),
    quotaId: Number(row.quota_id),
    quotaName: row.quota_name as string,
    places: Number(row.places),
  }))
}

/**
 * Makes the campaign's reserves what is asked (sessions not asked for keep nothing), in the
 * caller's transaction; a 422 on `reserves.N.*` when a session has no quota for the campaign or
 * not enough free places.
 */
export async function setReserves(trx: TenantTransaction, campaign: Pick<CampaignRow, 'id' | 'product_ids' | 'status'>, asked: ReserveAsk[]) {
  if (campaign.status !== 'active' && asked.some((ask) => ask.places > 0)) {
    throw invalid('reserves', 'A disabled campaign sets no places aside', 'E_COUPON_DISABLED')
  }
  const productIds = campaign.product_ids.map(Number)
  const wanted = new Map<number, { places: number; field: string }>()
  for (const [index, ask] of asked.entries()) {
    const quotas = await trx
      .from('quotas as q')
      .where('q.session_id', ask.sessionId)
      .if(productIds.length > 0, (query) =>
        query.whereExists((links) => links.from('quota_products as qp').whereRaw('qp.quota_id = q.id').whereIn('qp.product_id', productIds))
      )
      .select('q.id')
    if (!quotas.length) throw invalid(`reserves.${index}.sessionId`, "This session has no quota for the campaign's products", 'E_RESERVE_NO_QUOTA')
    for (const quota of quotas) wanted.set(Number(quota.id), { places: ask.places, field: `reserves.${index}.places` })
  }
  const held = await trx.from('voucher_reserves').where('campaign_id', campaign.id).select('quota_id')
  const quotaIds = [...new Set([...wanted.keys(), ...held.map((row) => Number(row.quota_id))])].sort((a, b) => a - b)
  if (!quotaIds.length) return

  // The quotas' locks first, in id order as holds take them; then what is free and set aside is current.
  const quotas = await trx.from('quotas').whereIn('id', quotaIds).orderBy('id').forUpdate().select('id', trx.raw('capacity - held - sold - reserved as free'))
  const current = new Map(
    (await trx.from('voucher_reserves').where('campaign_id', campaign.id).select('quota_id', 'places')).map((row) => [Number(row.quota_id), Number(row.places)])
  )
  for (const quota of quotas) {
    const id = Number(quota.id)
    const want = wanted.get(id)
    const had = current.get(id) ?? 0
    const delta = (want?.places ?? 0) - had
    if (delta > Number(quota.free)) {
      throw invalid(want!.field, `Only ${Number(quota.free) + had} places of this session can be set aside`, 'E_RESERVE_TOO_LARGE')
    }
    if (delta !== 0) await trx.from('quotas').where('id', id).increment('reserved', delta)
    if (want?.places) {
      await trx.table('voucher_reserves').insert({ campaign_id: campaign.id, quota_id: id, places: want.places }).onConflict(['campaign_id', 'quota_id']).merge(['places'])
    } else {
      await trx.from('voucher_reserves').where({ campaign_id: campaign.id, quota_id: id }).delete()
    }
  }
}

/**
 * The voucher campaign an order was bought with, if any: a change (改签) of its tickets may take the
 * voucher-only products and reserved places that voucher opened, whatever has become of the code since.
 */
export async function campaignOfOrder(trx: TenantTransaction, orderId: number): Promise<number | undefined> {
  const redemption = await trx.from('coupon_redemptions').where('order_id', orderId).select('campaign_id').first()
  return redemption ? Number(redemption.campaign_id) : undefined
}

export default class Vouchers {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Vouchers(tenant)
  }

  /** GET /api/vouchers/:code: what a usable code gives, with the products on sale it names (voucher-only ones too). */
  async show(code: string) {
    const found = await runInTenant(this.tenant, (trx) => usableCode(trx, code))
    const campaign = found.campaign
    const productIds = campaign.product_ids.map(Number)
    return {
      code: found.code,
      name: campaign.name,
      kind: campaign.kind,
      value: campaign.value,
      minSpend: campaign.min_spend,
      validUntil: campaign.valid_until,
      /** No products named: its discount applies to every ticket (and it unlocks none). */
      appliesToAll: productIds.length === 0,
      products: productIds.length ? await VenueProducts.for(this.tenant).withVoucher(productIds) : [],
    }
  }

  /** The campaign of a code usable now, for an order (its reserve, its products); a 422 on couponCode otherwise. */
  async campaignOf(code: string): Promise<Pick<CampaignRow, 'id' | 'product_ids'>> {
    const { campaign } = await runInTenant(this.tenant, (trx) => usableCode(trx, code))
    return { id: campaign.id, product_ids: campaign.product_ids.map(Number) }
  }

  /** The campaign of `?voucher=CODE` on a visitor page, or null when it is not usable (the page then shows what anyone sees). */
  async campaignOrNull(code: string | undefined) {
    if (!code) return null
    return this.campaignOf(code).catch((error) => {
      if (error instanceof AppError && error.status === 422) return null
      throw error
    })
  }

  /**
   * A hold refused as not on sale because its ticket is voucher-only: the error that says so
   * (items.N without a code, couponCode with one that does not open it); any other error as is.
   */
  async refusal(error: unknown, items: { productId: number }[], campaign: Pick<CampaignRow, 'product_ids'> | null) {
    if (!(error instanceof AppError) || error.code !== 'E_NOT_ON_SALE' || !error.field?.startsWith('items.')) return error
    const index = Number(error.field.slice('items.'.length))
    const productId = items[index]?.productId
    if (productId === undefined || campaign?.product_ids.includes(productId)) return error
    const product = await runInTenant(this.tenant, (trx) => trx.from('products').where('id', productId).where('requires_voucher', true).first())
    if (!product) return error
    return campaign
      ? invalid('couponCode', 'This code does not unlock this ticket', 'E_VOUCHER_NOT_FOR_PRODUCT')
      : invalid(`items.${index}`, 'This ticket is sold only with a voucher code', 'E_VOUCHER_REQUIRED')
  }
}
