/*
 * Checkout (下单): holds the places (with the venue's booking rules), prices every ticket on the
 * server from the price calendar, and records the order with its tickets and holders, waiting for
 * payment until the hold runs out. A free order (all tickets at 0) is issued at once, and so is an
 * order on credit (a distributor's, priced and paid from its deposit in the same transaction).
 *
 * Idempotent by the client's key: the same key with the same request answers the first order
 * again (even when both arrive at once: the unique key decides, the loser gives its hold back);
 * the same key with another request is refused.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { DateTime } from 'luxon'
import { AppError, invalid } from '#core/app_error'
import env from '#start/env'
import BookingPolicy from '#inventory/services/booking_policy'
import FrequentVisitors from '#inventory/services/frequent_visitors'
import InventoryService, { type Hold } from '#inventory/services/inventory_service'
import { idNumberHash } from '#inventory/services/real_name'
import Order from '#orders/models/order'
import OrderTicket from '#orders/models/order_ticket'
import { sealHolderId } from '#orders/services/holder_identity'
import { newOrderNumber } from '#orders/services/order_numbers'
import { couponLines, orderTotals, payableAfterCoupon, priceItems } from '#orders/services/order_pricing'
import { recordOrderEvent, type Actor } from '#orders/services/order_events'
import { announce } from '#tickets/services/ticket_delivery'
import { webhookEvents } from '#members/services/webhook_events'
import Coupons from '#members/services/coupons'
import Vouchers from '#members/services/vouchers'
import MemberPoints from '#members/services/member_points'
import { issuePasses } from '#members/services/passes'
import { applyTicketlessOrder } from '#orders/services/ticketless_orders'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import { planLimits } from '#platform/services/plans'
import type Tenant from '#tenancy/models/tenant'

export interface CheckoutHolder {
  item: number
  name: string
  idNumber: string
  phone?: string
}

/** A holder as asked: typed in, or a saved holder (常用游客) of the signed-in visitor by id. */
export type CheckoutHolderAsk = Omit<CheckoutHolder, 'name' | 'idNumber'> & { name?: string; idNumber?: string; frequentVisitorId?: number }

export interface CheckoutInput {
  items: { productId: number; sessionId: number; quantity: number }[]
  seats?: { sessionId: number; seatId: number }[]
  bestAvailable?: { sessionId: number; accessible?: boolean }
  holders?: CheckoutHolderAsk[]
  /** Whom to reach (SMS e-ticket); a walk-in at the box office may give no phone: the ticket is printed. */
  contact: { name?: string; phone?: string }
  /** A coupon code: its discount is worked out here, never taken from the client. */
  couponCode?: string
  /** Points (积分) the member wants to use: the discount they give is worked out here (docs/members.md). */
  usePoints?: number
}

export interface CheckoutOptions {
  visitorId: number | null
  idempotencyKey: string
  salesChannel?: string
  actor: Actor
  /** Sold on credit (a distributor's order, 分销): no payment channel; issued at once once settled. */
  onCredit?: OnCredit
  /** Runs in the order's transaction once it is recorded (e.g. the box office's audit record). */
  onRecorded?: (trx: TenantTransaction, order: Order) => Promise<unknown>
}

/** How an order on credit is priced and paid for, inside the order's transaction. */
export interface OnCredit {
  /** Each item's unit price on this channel, given the price calendar's (e.g. a settlement price); may refuse. */
  prices(trx: TenantTransaction, items: CheckoutInput['items'], calendar: number[]): Promise<number[]>
  /** Takes the order's total from the seller (e.g. debits its deposit); throwing rolls the order back. */
  settle(trx: TenantTransaction, order: Order): Promise<void>
}

/** The input with every holder's name and ID number known (saved holders looked up). */
type ResolvedInput = Omit<CheckoutInput, 'holders'> & { holders?: CheckoutHolder[] }

const UNIQUE_VIOLATION = '23505'

/**
 * The bearer secret that lets a buyer without an account see and pay their order: derived from
 * the app key, the venue and the order number, so it is never stored and can be given again.
 */
export function orderAccessToken(tenant: Tenant, number: string): string {
  return createHmac('sha256', env.get('APP_KEY').release()).update(`order-access:${tenant.id}:${number}`).digest('base64url')
}

export function isOrderAccessToken(tenant: Tenant, number: string, token: string | undefined | null): boolean {
  if (!token) return false
  const expected = Buffer.from(orderAccessToken(tenant, number))
  const given = Buffer.from(token)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

function digestOf(input: CheckoutInput, visitorId: number | null) {
  return createHash('sha256').update(JSON.stringify({ input, visitorId })).digest('hex')
}

export default class Checkout {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Checkout(tenant)
  }

  async place(asked: CheckoutInput, options: CheckoutOptions): Promise<{ order: Order; replayed: boolean }> {
    const digest = digestOf(asked, options.visitorId)
    const earlier = await this.#byKey(options.idempotencyKey, digest)
    if (earlier) return { order: earlier, replayed: true }
    // The plan's orders a month (套餐), checked before any capacity is held.
    await planLimits.assertOrderRoom(this.tenant)
    const input: ResolvedInput = { ...asked, holders: asked.holders && (await this.#resolveHolders(asked.holders, options.visitorId)) }

    this.#checkHolders(input)
    // A voucher code opens its voucher-only products and its reserved places to this hold (docs/members.md).
    const vouchers = Vouchers.for(this.tenant)
    const voucher = input.couponCode ? await vouchers.campaignOf(input.couponCode) : null
    const request = {
      items: input.items,
      seats: input.seats,
      claims: input.holders?.map((holder) => ({ item: holder.item, idHash: idNumberHash(this.tenant.id, holder.idNumber) })),
      visitorId: options.visitorId,
      channel: options.salesChannel ?? 'visitor',
      voucherCampaignId: voucher?.id,
    }
    if (input.bestAvailable && input.seats?.length) throw invalid('bestAvailable', 'Choose seats or ask for the best available, not both')
    const policy = BookingPolicy.for(this.tenant)
    const hold = await (input.bestAvailable ? policy.holdBestAvailable(request, input.bestAvailable) : policy.hold(request)).catch(async (error) => {
      throw await vouchers.refusal(error, input.items, voucher)
    })

    try {
      const order = await runInTenant(this.tenant, (trx) => this.#record(trx, input, options, hold, digest))
      return { order, replayed: false }
    } catch (error: any) {
      await InventoryService.release(this.tenant, hold.id)
      if (error?.code === UNIQUE_VIOLATION && /idempotency_key/.test(error.message ?? '')) {
        const first = await this.#byKey(options.idempotencyKey, digest)
        if (first) return { order: first, replayed: true }
      }
      throw error
    }
  }

  async #byKey(key: string, digest: string): Promise<Order | null> {
    const order = await runInTenant(this.tenant, (trx) => Order.query({ client: trx }).where('idempotency_key', key).first())
    if (order && order.requestDigest !== digest) {
      throw new AppError('This Idempotency-Key was already used for a different order request', {
        status: 422,
        code: 'E_IDEMPOTENCY_KEY_REUSED',
        field: 'Idempotency-Key',
      })
    }
    return order
  }

  /**
   * Saved holders (常用游客) become their stored name and ID number, so the booking rules and the
   * ticket see them as if typed; one must be the signed-in visitor's own (FrequentVisitors.identities).
   */
  async #resolveHolders(holders: CheckoutHolderAsk[], visitorId: number | null): Promise<CheckoutHolder[]> {
    const saved = holders.flatMap((holder, index) => (holder.frequentVisitorId ? [{ field: `holders.${index}.frequentVisitorId`, id: holder.frequentVisitorId }] : []))
    const identities = saved.length ? await FrequentVisitors.for(this.tenant).identities(visitorId, saved) : new Map()
    return holders.map(({ frequentVisitorId, ...holder }, index) => {
      if (!frequentVisitorId) return holder as CheckoutHolder
      if (holder.name !== undefined || holder.idNumber !== undefined) {
        throw invalid(`holders.${index}.frequentVisitorId`, 'A saved visitor brings their name and ID number: send either, not both')
      }
      return { ...holder, ...identities.get(frequentVisitorId)! }
    })
  }

  /** Holders belong to items that exist, at most one per ticket. */
  #checkHolders(input: ResolvedInput) {
    const perItem = new Map<number, number>()
    for (const [index, holder] of (input.holders ?? []).entries()) {
      const item = input.items[holder.item]
      if (!item) throw invalid(`holders.${index}.item`, 'This holder names an item that is not in the order')
      const count = (perItem.get(holder.item) ?? 0) + 1
      if (count > item.quantity) throw invalid(`holders.${index}`, 'More holders than tickets for this item')
      perItem.set(holder.item, count)
    }
  }

  async #record(trx: TenantTransaction, input: ResolvedInput, options: CheckoutOptions, hold: Hold, digest: string) {
    const prices = await priceItems(trx, this.tenant, input.items, options.visitorId)
    if (options.onCredit) prices.byItem = await options.onCredit.prices(trx, input.items, prices.byItem)
    const seats = await this.#heldSeats(trx, hold.id)

    const tickets: Partial<OrderTicket>[] = []
    for (const [index, item] of input.items.entries()) {
      const holders = (input.holders ?? []).filter((holder) => holder.item === index)
      for (let n = 0; n < item.quantity; n++) {
        const holder = holders[n]
        tickets.push({
          productId: item.productId,
          sessionId: item.sessionId,
          seatId: prices.reserved.has(item.productId) ? (seats.get(item.sessionId)?.shift() ?? null) : null,
          holdId: hold.id,
          price: prices.byItem[index],
          partySize: prices.partySize.get(item.productId) ?? 1,
          status: 'reserved',
          holderName: holder?.name ?? null,
          holderIdType: holder ? 'id_card' : null,
          holderPhone: holder?.phone ?? null,
          ...(holder ? sealHolderId(this.tenant.id, holder.idNumber) : {}),
        })
      }
    }
    const subtotal = tickets.reduce((sum, ticket) => sum + ticket.price!, 0)
    // The coupon's use is taken in this transaction: a refusal (422 on couponCode) rolls it all back
    // and the caller gives the hold back. The discount is order-level; ticket prices stay as they are.
    // Priced as the quote prices it (order_pricing.ts), but here the coupon's use and the points are taken.
    const coupon = input.couponCode ? await Coupons.for(this.tenant).redeem(trx, input.couponCode, couponLines(input.items, prices.byItem), options.visitorId) : null
    // A member's points (会员积分) are taken here too, worth at most the venue's share of what is left to pay.
    const points = input.usePoints
      ? await MemberPoints.for(this.tenant).redeem(trx, options.visitorId, input.usePoints, payableAfterCoupon(subtotal, coupon?.discount ?? 0))
      : null
    const { discount, total } = orderTotals(subtotal, coupon?.discount ?? 0, points?.discount ?? 0)

    const order = await Order.create(
      {
        number: newOrderNumber(),
        status: 'pending_payment',
        visitorId: options.visitorId,
        salesChannel: options.salesChannel ?? 'visitor',
        contactName: input.contact.name ?? null,
        contactPhone: input.contact.phone ?? null,
        totalAmount: total,
        paidAmount: options.onCredit ? total : 0,
        discountAmount: discount,
        couponCode: coupon?.code ?? null,
        holdId: hold.id,
        expiresAt: DateTime.fromJSDate(hold.expiresAt),
        idempotencyKey: options.idempotencyKey,
        requestDigest: digest,
      },
      { client: trx }
    )
    await OrderTicket.createMany(
      tickets.map((ticket) => ({ ...ticket, orderId: order.id })),
      { client: trx }
    )
    if (coupon) await Coupons.for(this.tenant).recordRedemption(trx, coupon, order.id)
    if (points) await MemberPoints.for(this.tenant).recordRedemption(trx, points, order.id, options.actor)
    await recordOrderEvent(trx, order, 'placed', options.actor, {
      totalAmount: total,
      tickets: tickets.length,
      holdId: hold.id,
      ...(coupon ? { discountAmount: discount, couponCode: coupon.code } : {}),
      ...(points ? { discountAmount: discount, pointsUsed: points.points, pointsDiscount: points.discount } : {}),
    })

    // Paid on credit, or nothing to pay: the order is complete now.
    if (options.onCredit) await options.onCredit.settle(trx, order)
    if (total === 0 || options.onCredit) {
      if (!(await InventoryService.consume(this.tenant, hold.id, trx))) {
        throw new AppError('The places ran out before the order was complete; please try again', { status: 409, code: 'E_HOLD_EXPIRED' })
      }
      await issueOrder(trx, this.tenant, order, options.actor, options.onCredit ? { onCredit: true } : { free: true })
    }
    await options.onRecorded?.(trx, order)
    return order
  }

  /** The seats the hold took, per session, in seat order. */
  async #heldSeats(trx: TenantTransaction, holdId: string) {
    const rows: { session_id: number; seat_id: number }[] = await trx
      .from('session_seats')
      .where('hold_id', holdId)
      .orderBy(['session_id', 'seat_id'])
      .select('session_id', 'seat_id')
    const seats = new Map<number, number[]>()
    for (const row of rows) seats.set(Number(row.session_id), [...(seats.get(Number(row.session_id)) ?? []), Number(row.seat_id)])
    return seats
  }
}

/**
 * Paid (or free): the tickets become valid, the order is issued (出票) and the visitor told, in the
 * caller's transaction.
 */
export async function issueOrder(trx: TenantTransaction, tenant: Tenant, order: Order, actor: Actor, data: Record<string, unknown> = {}) {
  const now = DateTime.now()
  await trx.from('order_tickets').where('order_id', order.id).where('status', 'reserved').update({ status: 'valid', updated_at: now.toJSDate() })
  order.paidAt = now
  await recordOrderEvent(trx, order, 'paid', actor, data)
  await recordOrderEvent(trx, order, 'issued', { type: 'system' }, {}, 'issued')
  // 年卡: pass tickets get their passes; a ticketless order (a pass renewal, a member tier) applies
  // what it bought instead, with no tickets to announce.
  await issuePasses(trx, order)
  if (!(await applyTicketlessOrder(trx, tenant, order))) await announce(trx, tenant, order, 'tickets_issued')
  await webhookEvents.orderPaid(trx, tenant, order)
  await MemberPoints.onIssued(trx, order, actor)
}
