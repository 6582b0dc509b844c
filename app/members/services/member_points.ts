/*
 * The points ledger (积分). A member's balance is a column that a CHECK keeps at zero or above and
 * that only conditional updates change (points - n where points >= n), so parallel redemptions of
 * the same points cannot both succeed; every change is a ledger row with its reason, order and actor.
 *
 * With orders (all in the order's own transaction):
 * - redeem at checkout: the venue's rate (redeem_points points = redeem_fen fen) up to its share of
 *   the order; the discount joins the order's discount, so refunds already pay back only what was
 *   paid for each ticket;
 * - an order ending unpaid (expired, cancelled) gives its points back; a late payment that revives
 *   it takes them again, as far as the balance still has them;
 * - earn when the order is issued: floor(fen paid × earn_points / earn_per_fen) of the member's tier;
 * - refunds: earned points are taken back and redeemed points given back in the proportion of the
 *   order's refunded amount to its paid amount (all of them once everything is refunded). Points
 *   already spent cannot be taken back: what is missing is recorded as the movement's shortfall.
 */
import { AppError, invalid } from '#core/app_error'
import type Order from '#orders/models/order'
import { actorLabel } from '#orders/services/refund_service'
import type { Actor } from '#orders/services/order_events'
import { activeMember, readPointsSettings } from '#members/services/member_tiers'
import type { TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export type PointsReason = 'earned' | 'earn_reversed' | 'redeemed' | 'redeem_returned' | 'adjusted'

export interface PointsRedemption {
  memberId: number
  points: number
  discount: number
  balance: number
}

interface Movement {
  reason: PointsReason
  orderId?: number | null
  note?: string | null
  actor: Actor
}

interface OrderPointsRow {
  order_id: number
  member_id: number
  redeemed: number
  redeem_discount: number
  redeem_returned: number
  earned: number
  earn_reversed: number
}

const pointsError = (message: string, code: string) => invalid('usePoints', message, code)
const notEnough = (points: number) => pointsError(`You do not have ${points} points`, 'E_POINTS_INSUFFICIENT')

/** Adds `points` (> 0) to the balance. */
export async function creditPoints(trx: TenantTransaction, memberId: number, points: number, movement: Movement) {
  const [row] = await trx.from('members').where('id', memberId).increment('points', points).returning('points')
  return record(trx, memberId, points, Number(row.points), 0, movement)
}

/** Takes exactly `points` (> 0) if the balance has them: the new balance, or null. */
async function takePoints(trx: TenantTransaction, memberId: number, points: number): Promise<number | null> {
  const [row] = await trx.from('members').where('id', memberId).where('points', '>=', points).decrement('points', points).returning('points')
  return row ? Number(row.points) : null
}

/** Takes up to `points` (> 0): as many as the balance has; the rest is the movement's shortfall. */
async function debitUpTo(trx: TenantTransaction, memberId: number, points: number, movement: Movement) {
  const { rows } = await trx.rawQuery(
    `with before as (select id, points from members where id = ? for update)
     update members m set points = m.points - least(before.points, ?), updated_at = now() from before where m.id = before.id
     returning m.points as balance, before.points - m.points as taken`,
    [memberId, points]
  )
  const taken = Number(rows[0].taken)
  await record(trx, memberId, -taken, Number(rows[0].balance), points - taken, movement)
  return taken
}

async function record(trx: TenantTransaction, memberId: number, delta: number, balance: number, shortfall: number, movement: Movement) {
  const [row] = await trx
    .table('member_point_movements')
    .insert({
      member_id: memberId,
      reason: movement.reason,
      delta,
      balance_after: balance,
      shortfall,
      order_id: movement.orderId ?? null,
      note: movement.note ?? null,
      actor: actorLabel(movement.actor),
    })
    .returning('*')
  return row
}

export const serializeMovement = (row: any) => ({
  id: Number(row.id),
  reason: row.reason as PointsReason,
  delta: row.delta,
  balanceAfter: row.balance_after,
  shortfall: row.shortfall,
  order: row.order_number ?? null,
  note: row.note,
  actor: row.actor,
  at: row.created_at,
})

/** The member's latest movements, newest first, with their orders' numbers. */
export function pointsHistory(trx: TenantTransaction, memberId: number, limit: number) {
  return trx
    .from('member_point_movements as p')
    .leftJoin('orders as o', 'o.id', 'p.order_id')
    .where('p.member_id', memberId)
    .orderBy('p.id', 'desc')
    .limit(limit)
    .select('p.*', 'o.number as order_number')
}

const lockOrderPoints = (trx: TenantTransaction, orderId: number): Promise<OrderPointsRow | null> =>
  trx.from('member_order_points').where('order_id', orderId).forUpdate().first()

export default class MemberPoints {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new MemberPoints(tenant)
  }

  /**
   * Takes the points a visitor uses on an order being placed, in its transaction: what they take
   * off `payable` (fen still to pay after other discounts), or a 422 on `usePoints`. Asking for
   * more than the venue lets an order use takes only what it allows. Call `recordRedemption` once
   * the order exists.
   */
  async redeem(trx: TenantTransaction, visitorId: number | null, wanted: number, payable: number): Promise<PointsRedemption> {
    const { memberId, points, discount } = await this.quote(trx, visitorId, wanted, payable)
    const balance = await takePoints(trx, memberId, points)
    if (balance === null) throw notEnough(points)
    return { memberId, points, discount, balance }
  }

  /**
   * What `wanted` points would take off `payable` (the points used and their discount), with the
   * refusals redeem would give, taking nothing (the order's quote; redeem takes them).
   */
  async quote(trx: TenantTransaction, visitorId: number | null, wanted: number, payable: number) {
    if (visitorId === null) throw pointsError('Sign in to use your points', 'E_POINTS_SIGN_IN')
    const member = await activeMember(trx, visitorId)
    if (!member) throw pointsError('Only members can use points', 'E_POINTS_NOT_MEMBER')
    const settings = await readPointsSettings(trx)
    if (settings.redeemMaxPercent === 0) throw pointsError('This venue does not take points at checkout', 'E_POINTS_NOT_ACCEPTED')
    const discount = Math.min(Math.floor((wanted * settings.redeemFen) / settings.redeemPoints), Math.floor((payable * settings.redeemMaxPercent) / 100))
    if (discount <= 0) throw pointsError(`Points are used ${settings.redeemPoints} for ${settings.redeemFen} fen, on up to ${settings.redeemMaxPercent}% of an order`, 'E_POINTS_TOO_FEW')
    // Only the points this discount needs: never more than asked.
    const points = Math.ceil((discount * settings.redeemPoints) / settings.redeemFen)
    // Read here for the quote; redeem's conditional update decides again.
    if (member.points < points) throw notEnough(points)
    return { memberId: member.id, points, discount }
  }

  async recordRedemption(trx: TenantTransaction, taken: PointsRedemption, orderId: number, actor: Actor) {
    await trx.table('member_order_points').insert({ order_id: orderId, member_id: taken.memberId, redeemed: taken.points, redeem_discount: taken.discount })
    await record(trx, taken.memberId, -taken.points, taken.balance, 0, { reason: 'redeemed', orderId, actor })
  }

  /** The order ended unpaid: the points it used come back. */
  static async giveBackUnpaid(trx: TenantTransaction, orderId: number) {
    const row = await lockOrderPoints(trx, orderId)
    const back = row ? row.redeemed - row.redeem_returned : 0
    if (!row || back <= 0) return
    await trx.from('member_order_points').where('order_id', orderId).update({ redeem_returned: row.redeemed, updated_at: new Date() })
    await creditPoints(trx, row.member_id, back, { reason: 'redeem_returned', orderId, note: 'order ended unpaid', actor: { type: 'system' } })
  }

  /**
   * The order was issued (paid, or free): points its late payment owes are taken again, and the
   * member earns on what was paid.
   */
  static async onIssued(trx: TenantTransaction, order: Order, actor: Actor) {
    const row = await lockOrderPoints(trx, order.id)
    if (row && row.redeem_returned > 0) {
      const taken = await debitUpTo(trx, row.member_id, row.redeem_returned, { reason: 'redeemed', orderId: order.id, note: 'paid after it had ended', actor })
      await trx.from('member_order_points').where('order_id', order.id).update({ redeem_returned: row.redeem_returned - taken, updated_at: new Date() })
    }
    if (!order.visitorId || order.paidAmount <= 0) return
    const member = await activeMember(trx, order.visitorId)
    const earned = member ? Math.floor((order.paidAmount * member.tier.earn_points) / member.tier.earn_per_fen) : 0
    if (!member || earned <= 0) return
    await trx
      .table('member_order_points')
      .insert({ order_id: order.id, member_id: member.id, earned })
      .onConflict('order_id')
      .merge({ earned, updated_at: new Date() })
    await creditPoints(trx, member.id, earned, { reason: 'earned', orderId: order.id, note: `${order.paidAmount} fen paid, ${member.tier.name}`, actor })
  }

  /** After a refund was approved: earned points go back and redeemed ones return, in proportion. */
  static async afterRefund(trx: TenantTransaction, order: Order, actor: Actor) {
    const row = await lockOrderPoints(trx, order.id)
    if (!row) return
    let allRefunded = false
    if (order.paidAmount <= 0) {
      const left = await trx.from('order_tickets').where('order_id', order.id).whereNot('status', 'refunded').whereNot('status', 'changed').count('* as n').first()
      allRefunded = Number(left?.n ?? 0) === 0
    }
    const share = (points: number) =>
      order.paidAmount > 0 ? Math.floor((points * Math.min(order.refundedAmount, order.paidAmount)) / order.paidAmount) : allRefunded ? points : 0
    const reverse = share(row.earned) - row.earn_reversed
    const giveBack = share(row.redeemed) - row.redeem_returned
    if (reverse > 0) await debitUpTo(trx, row.member_id, reverse, { reason: 'earn_reversed', orderId: order.id, note: `${order.refundedAmount} of ${order.paidAmount} fen refunded`, actor })
    if (giveBack > 0) await creditPoints(trx, row.member_id, giveBack, { reason: 'redeem_returned', orderId: order.id, note: `${order.refundedAmount} of ${order.paidAmount} fen refunded`, actor })
    await trx
      .from('member_order_points')
      .where('order_id', order.id)
      .update({ earn_reversed: row.earn_reversed + Math.max(reverse, 0), redeem_returned: row.redeem_returned + Math.max(giveBack, 0), updated_at: new Date() })
  }
}

/** Staff add or take points with a reason; taking more than the balance has is refused. */
export async function adjustPoints(trx: TenantTransaction, memberId: number, delta: number, note: string, actor: Actor) {
  if (delta === 0) throw invalid('delta', 'Add or take at least one point')
  if (delta > 0) return creditPoints(trx, memberId, delta, { reason: 'adjusted', note, actor })
  const balance = await takePoints(trx, memberId, -delta)
  if (balance === null) throw new AppError('The member does not have that many points', { status: 422, code: 'E_POINTS_INSUFFICIENT', field: 'delta' })
  return record(trx, memberId, delta, balance, 0, { reason: 'adjusted', note, actor })
}
