/*
 * Pricing an order (算价): each item's unit price from the price calendar (a member's price for a
 * member), the coupon's and the points' discounts. Checkout prices what it records with these, and
 * the quote (报价) shows the same numbers before ordering, taking nothing: no hold, no coupon use,
 * no points. The two cannot drift because the computation is here and in Coupons/MemberPoints.
 */
import Product from '#catalog/models/product'
import Session from '#catalog/models/session'
import Site from '#catalog/models/site'
import { invalid } from '#core/app_error'
import Coupons, { type CouponLine } from '#members/services/coupons'
import MemberPoints from '#members/services/member_points'
import MemberPricing from '#members/services/member_pricing'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface PricingInput {
  items: { productId: number; sessionId: number; quantity: number }[]
  couponCode?: string
  usePoints?: number
}

/** The order's total once its discounts are known: they never take it below zero. */
export function orderTotals(subtotal: number, couponDiscount: number, pointsDiscount: number) {
  const discount = Math.min(couponDiscount + pointsDiscount, subtotal)
  return { subtotal, discount, total: subtotal - discount }
}

/** What points may still take off: the venue's share applies to what is left after the coupon. */
export const payableAfterCoupon = (subtotal: number, couponDiscount: number) => subtotal - Math.min(couponDiscount, subtotal)

/** One ticket per line for the coupon's rules (which products it applies to, its minimum spend). */
export const couponLines = (items: PricingInput['items'], byItem: number[]): CouponLine[] =>
  items.flatMap((item, index) => Array.from({ length: item.quantity }, () => ({ productId: item.productId, price: byItem[index] })))

/**
 * Each item's unit price from its product's price calendar on its session's day (a member's price
 * for a member, `memberPrice` telling where it differs), which products are seated, and each
 * product's party size (a group ticket, 团体票, admits its party with one code: up to its largest size).
 */
export async function priceItems(trx: TenantTransaction, tenant: Tenant, items: PricingInput['items'], visitorId: number | null) {
  const pricer = await MemberPricing.for(tenant).of(trx, visitorId)
  const productIds = [...new Set(items.map((item) => item.productId))]
  const sessionIds = [...new Set(items.map((item) => item.sessionId))]
  const products = new Map((await Product.query({ client: trx }).whereIn('id', productIds)).map((product) => [product.id, product]))
  const sessions = new Map((await Session.query({ client: trx }).whereIn('id', sessionIds)).map((session) => [session.id, session]))
  const sites = new Map((await Site.query({ client: trx }).whereIn('id', [...sessions.values()].map((s) => s.siteId))).map((site) => [site.id, site]))

  const byItem: number[] = []
  const memberPrice: boolean[] = []
  for (const [index, item] of items.entries()) {
    const product = products.get(item.productId)
    const session = sessions.get(item.sessionId)
    // At checkout the hold already refused what is not on sale; this guards against a change since (and a quote's bad ids).
    if (!product || !session) throw invalid(`items.${index}`, 'This product or session no longer exists', 'E_NOT_ON_SALE')
    const price = await pricer.unitPrice(trx, product, session, sites.get(session.siteId)!)
    byItem.push(price.price)
    memberPrice.push(price.memberPrice)
  }
  const reserved = new Set([...products.values()].filter((product) => product.seating === 'reserved').map((product) => product.id))
  const partySize = new Map([...products.values()].map((product) => [product.id, product.partyMax ?? product.partyMin ?? 1]))
  return { byItem, memberPrice, reserved, partySize, products }
}

/**
 * The quote: what this order would cost this visitor now, with the same errors checkout would give
 * (422 on couponCode or usePoints), read in `trx` without taking anything.
 */
export async function priceOrder(trx: TenantTransaction, tenant: Tenant, input: PricingInput, visitorId: number | null) {
  const prices = await priceItems(trx, tenant, input.items, visitorId)
  const subtotal = input.items.reduce((sum, item, index) => sum + prices.byItem[index] * item.quantity, 0)
  const coupon = input.couponCode ? await Coupons.for(tenant).quote(trx, input.couponCode, couponLines(input.items, prices.byItem), visitorId) : null
  // Only what a visitor could buy is priced: a draft's price, or a voucher-only ticket's without a
  // code that opens it, is not told (checkout's hold refuses them the same way).
  for (const [index, item] of input.items.entries()) {
    const product = prices.products.get(item.productId)!
    if (product.status !== 'on_sale' || (product.requiresVoucher && !coupon?.productIds.includes(item.productId))) {
      throw invalid(`items.${index}`, 'This ticket is not on sale', 'E_NOT_ON_SALE')
    }
  }
  const couponDiscount = coupon?.discount ?? 0
  const points = input.usePoints ? await MemberPoints.for(tenant).quote(trx, visitorId, input.usePoints, payableAfterCoupon(subtotal, couponDiscount)) : null
  const pointsDiscount = points?.discount ?? 0
  const { total } = orderTotals(subtotal, couponDiscount, pointsDiscount)
  return {
    lines: input.items.map((item, index) => ({
      productId: item.productId,
      sessionId: item.sessionId,
      quantity: item.quantity,
      unitPrice: prices.byItem[index],
      ...(prices.memberPrice[index] ? { memberPrice: true } : {}),
    })),
    subtotal,
    couponDiscount,
    pointsDiscount,
    ...(points ? { pointsUsed: points.points } : {}),
    total,
    ...(coupon ? { coupon: { code: coupon.code, name: coupon.name } } : {}),
  }
}

/** The quote in a transaction of its own (POST /api/orders/quote). */
export const quoteOrder = (tenant: Tenant, input: PricingInput, visitorId: number | null) => runInTenant(tenant, (trx) => priceOrder(trx, tenant, input, visitorId))
