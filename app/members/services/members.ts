/*
 * Memberships (会员): a visitor joins a free tier themselves, or buys a paid one with a ticketless
 * order (ticketless_orders.ts) that starts it (or renews it, from the later of now and its end)
 * when paid; staff grant any tier (a paid one taken at the desk, with a note), extend and cancel
 * memberships and adjust points with a reason. A visitor has one member row: joining again after a
 * lapse or a cancellation starts it again, points kept. Each start (or paid renewal) of a
 * membership emits `member.joined`. Changes to one visitor's membership are decided
 * one at a time (the visitor's row is locked), and every staff change is audited.
 */
import { DateTime } from 'luxon'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { lockVisitor } from '#inventory/services/booking_policy'
import { webhookEvents } from '#members/services/webhook_events'
import { activeMember, readPointsSettings, serializeTier, type TierRow } from '#members/services/member_tiers'
import { adjustPoints, pointsHistory, serializeMovement } from '#members/services/member_points'
import type Order from '#orders/models/order'
import type { Actor } from '#orders/services/order_events'
import { placeTicketlessOrder, waitingOrder } from '#orders/services/ticketless_orders'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface MemberSearch {
  phone?: string
  name?: string
  tierId?: number
  status?: 'active' | 'expired' | 'cancelled'
  page?: number
  perPage?: number
}

export interface GrantInput {
  visitorId?: number
  phone?: string
  tierId: number
  note: string
  /** Fen taken at the desk for a paid tier (0 for a complimentary one). */
  paidAmount?: number
}

export interface MemberRow {
  id: number
  visitor_id: number
  tier_id: number
  status: 'active' | 'cancelled'
  source: 'self' | 'staff'
  joined_at: Date
  expires_at: Date | null
  points: number
}

const LEDGER_ON_DETAIL = 100
const LEDGER_ON_CARD = 20

/** Active, expired (past its end) or cancelled. */
const standing = (row: Pick<MemberRow, 'status' | 'expires_at'>) =>
  row.status === 'cancelled' ? 'cancelled' : row.expires_at && row.expires_at <= new Date() ? 'expired' : 'active'

const iso = (date: Date | null) => (date ? DateTime.fromJSDate(date).toISO() : null)

const serializeMember = (row: MemberRow & { tier_name?: string; display_name?: string | null; phone?: string | null; email?: string | null }) => ({
  id: Number(row.id),
  visitor: { id: Number(row.visitor_id), name: row.display_name ?? null, phone: row.phone ?? null, email: row.email ?? null },
  tier: { id: Number(row.tier_id), name: row.tier_name ?? null },
  status: standing(row),
  source: row.source,
  joinedAt: iso(row.joined_at),
  expiresAt: iso(row.expires_at),
  points: row.points,
})

const memberQuery = (trx: TenantTransaction) =>
  trx
    .from('members as m')
    .join('member_tiers as t', 't.id', 'm.tier_id')
    .join('visitors as v', 'v.id', 'm.visitor_id')
    .select('m.*', 't.name as tier_name', 'v.display_name', 'v.phone', 'v.email')

export default class Members {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Members(tenant)
  }

  async search(filters: MemberSearch) {
    const page = filters.page ?? 1
    const perPage = filters.perPage ?? 20
    return runInTenant(this.tenant, async (trx) => {
      const query = memberQuery(trx)
      if (filters.phone) query.where('v.phone', 'like', `${filters.phone.replace(/[%_\\]/g, '')}%`)
      if (filters.name) query.whereILike('v.display_name', `%${filters.name.replace(/[%_\\]/g, '')}%`)
      if (filters.tierId) query.where('m.tier_id', filters.tierId)
      if (filters.status === 'cancelled') query.where('m.status', 'cancelled')
      if (filters.status === 'active') query.where('m.status', 'active').where((q) => q.whereNull('m.expires_at').orWhere('m.expires_at', '>', new Date()))
      if (filters.status === 'expired') query.where('m.status', 'active').where('m.expires_at', '<=', new Date())
      const [{ total }] = await query.clone().clearSelect().clearOrder().count('* as total')
      const rows = await query.orderBy('m.id', 'desc').offset((page - 1) * perPage).limit(perPage)
      return { members: rows.map(serializeMember), page, perPage, total: Number(total) }
    })
  }

  async detail(memberId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const row = await memberQuery(trx).where('m.id', memberId).first()
      if (!row) throw notFound('No such member', 'E_MEMBER_NOT_FOUND')
      return { member: serializeMember(row), ledger: (await pointsHistory(trx, memberId, LEDGER_ON_DETAIL)).map(serializeMovement) }
    })
  }

  /** Staff start (or switch) a visitor's membership of any active tier; audited with the desk payment. */
  async grant(input: GrantInput, actor: Actor) {
    return runInTenant(this.tenant, async (trx) => {
      const visitor = input.visitorId
        ? await trx.from('visitors').where('id', input.visitorId).first()
        : input.phone
          ? await trx.from('visitors').where('phone', input.phone).first()
          : null
      if (!visitor) throw invalid(input.visitorId ? 'visitorId' : 'phone', 'No visitor account with this id or phone', 'E_VISITOR_NOT_FOUND')
      const tier = await this.#offeredTier(trx, input.tierId)
      if (tier.price > 0 && input.paidAmount === undefined) {
        throw invalid('paidAmount', 'A paid tier is granted after payment at the desk: give the amount taken (0 if complimentary)', 'E_PAID_AMOUNT_REQUIRED')
      }
      const { before, after } = await this.#start(trx, Number(visitor.id), tier, 'staff', actor)
      await auditLog.tenant(trx, {
        action: 'member.granted',
        subjectType: 'member',
        subjectId: after.id,
        before: before ? serializeMember(before) : null,
        after: serializeMember(after),
        meta: { note: input.note, paidAmount: input.paidAmount ?? 0, tierPrice: tier.price },
      })
      return serializeMember({ ...after, tier_name: tier.name, display_name: visitor.display_name, phone: visitor.phone, email: visitor.email })
    })
  }

  async extend(memberId: number, days: number, note: string) {
    return this.#change(memberId, 'member.extended', { days, note }, async (trx, row) => {
      if (row.status !== 'active') throw new AppError('This membership was cancelled: grant it again instead', { status: 409, code: 'E_MEMBER_CANCELLED' })
      if (!row.expires_at) throw new AppError('This membership has no end to extend', { status: 409, code: 'E_MEMBER_NO_END' })
      await trx.rawQuery('update members set expires_at = greatest(expires_at, now()) + make_interval(days => ?), updated_at = now() where id = ?', [days, memberId])
    })
  }

  async cancel(memberId: number, reason: string) {
    return this.#change(memberId, 'member.cancelled', { reason }, async (trx, row) => {
      if (row.status === 'cancelled') throw new AppError('This membership is already cancelled', { status: 409, code: 'E_MEMBER_CANCELLED' })
      await trx.from('members').where('id', memberId).update({ status: 'cancelled', updated_at: new Date() })
    })
  }

  async adjustPoints(memberId: number, delta: number, reason: string, actor: Actor) {
    return this.#change(memberId, 'member.points_adjusted', { delta, reason }, (trx) => adjustPoints(trx, memberId, delta, reason, actor))
  }

  /** The visitor H5's member card: the tiers on offer, their membership, points and latest movements. */
  async card(visitorId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const tiers = await trx.from('member_tiers').where('status', 'active').orderBy([{ column: 'price' }, { column: 'id' }])
      const row: (MemberRow & { tier_name: string }) | null = await trx
        .from('members as m')
        .join('member_tiers as t', 't.id', 'm.tier_id')
        .where('m.visitor_id', visitorId)
        .select('m.*', 't.name as tier_name')
        .first()
      const member = row ? serializeMember(row) : null
      const settings = await readPointsSettings(trx)
      return {
        tiers: tiers.map(serializeTier),
        membership: member && { tier: member.tier, status: member.status, joinedAt: member.joinedAt, expiresAt: member.expiresAt },
        points: {
          balance: member?.points ?? 0,
          redeem: settings,
          recent: row ? (await pointsHistory(trx, Number(row.id), LEDGER_ON_CARD)).map(serializeMovement).map(({ actor: _actor, ...movement }) => movement) : [],
        },
      }
    })
  }

  /**
   * A visitor asks for a tier. A free one starts now (once while a member). A paid one is bought:
   * a ticketless order at its price, paid like any order, that starts the membership when paid
   * (or, for the tier they hold, renews it from its end); asking again while that order waits for
   * payment answers it again.
   */
  async join(visitorId: number, tierId: number): Promise<{ card: Awaited<ReturnType<Members['card']>> } | { order: Order; created: boolean }> {
    const actor: Actor = { type: 'visitor', id: visitorId }
    const bought = await runInTenant(this.tenant, async (trx) => {
      const tier = await this.#offeredTier(trx, tierId)
      await lockVisitor(trx, visitorId)
      if (tier.price > 0) return this.#buy(trx, visitorId, tier)
      if (await activeMember(trx, visitorId)) throw new AppError('You are already a member', { status: 409, code: 'E_ALREADY_MEMBER' })
      const { after } = await this.#start(trx, visitorId, tier, 'self', actor)
      await auditLog.tenant(trx, {
        action: 'member.joined',
        subjectType: 'member',
        subjectId: after.id,
        after: serializeMember({ ...after, tier_name: tier.name }),
        actor: { type: 'visitor', id: visitorId },
      })
      return null
    })
    return bought ?? { card: await this.card(visitorId) }
  }

  /**
   * A membership order was just issued (ticketless_orders.ts, in its transaction): the membership
   * starts, or renews when it is the tier they hold. Whether the order was one.
   */
  async applyPurchase(trx: TenantTransaction, order: Order): Promise<boolean> {
    const purchase = await trx.from('member_purchases').where('order_id', order.id).where('status', 'pending').forUpdate().first()
    if (!purchase) return false
    const visitorId = Number(purchase.visitor_id)
    const actor: Actor = { type: 'visitor', id: visitorId }
    // Paid for, so granted even if the tier was made inactive since.
    const tier: TierRow = { ...(await trx.from('member_tiers').where('id', purchase.tier_id).firstOrFail()), id: Number(purchase.tier_id) }
    const { before, after } = await this.#start(trx, visitorId, tier, 'self', actor, { renew: true, order: order.number })
    const previousEnd = before && standing(before) === 'active' ? before.expires_at : null
    await trx.from('member_purchases').where('id', purchase.id).update({ status: 'applied', applied_at: new Date(), expires_before: previousEnd, expires_after: after.expires_at })
    await auditLog.tenant(trx, {
      action: 'member.purchased',
      subjectType: 'member',
      subjectId: after.id,
      before: before ? serializeMember(before) : null,
      after: serializeMember({ ...after, tier_name: tier.name }),
      meta: { order: order.number, price: purchase.price },
      actor: { type: 'visitor', id: visitorId },
    })
    return true
  }

  /** The order buying a paid tier: the one waiting for payment, or a new one. */
  async #buy(trx: TenantTransaction, visitorId: number, tier: TierRow) {
    const waiting = await waitingOrder(trx, 'member_purchases', { visitor_id: visitorId })
    if (waiting) {
      const purchase = await trx.from('member_purchases').where('order_id', waiting.id).firstOrFail()
      if (Number(purchase.tier_id) === tier.id) return { order: waiting, created: false }
      throw new AppError(`Your order ${waiting.number} for another tier is waiting for payment: pay or cancel it first`, { status: 409, code: 'E_MEMBERSHIP_ORDER_WAITING' })
    }
    const member = await activeMember(trx, visitorId)
    if (member?.tier.id === tier.id && !tier.validity_days) throw new AppError('You already hold this tier, with no end', { status: 409, code: 'E_ALREADY_MEMBER' })
    const visitor = await trx.from('visitors').where('id', visitorId).firstOrFail()
    const order = await placeTicketlessOrder(
      trx,
      this.tenant,
      { visitorId, contactName: visitor.display_name, contactPhone: visitor.phone, amount: tier.price, buys: { buysTier: tier.id } },
      (placed) => trx.table('member_purchases').insert({ order_id: placed.id, visitor_id: visitorId, tier_id: tier.id, price: tier.price })
    )
    return { order, created: true }
  }

  async #offeredTier(trx: TenantTransaction, tierId: number): Promise<TierRow> {
    const tier = await trx.from('member_tiers').where('id', tierId).first()
    if (!tier) throw invalid('tierId', 'No such member tier', 'E_TIER_NOT_FOUND')
    if (tier.status !== 'active') throw invalid('tierId', 'This tier is no longer offered', 'E_TIER_INACTIVE')
    return { ...tier, id: Number(tier.id) }
  }

  /**
   * Starts the visitor's membership of `tier` now (their row made or restarted, points kept). With
   * `renew` (a paid purchase), a membership of this same tier that is still active is extended
   * from its end instead.
   */
  async #start(trx: TenantTransaction, visitorId: number, tier: TierRow, source: MemberRow['source'], actor: Actor, options: { renew?: boolean; order?: string } = {}) {
    await lockVisitor(trx, visitorId)
    const before: MemberRow | null = await trx.from('members').where('visitor_id', visitorId).first()
    const now = DateTime.now()
    const held = before && standing(before) === 'active' ? before : null
    const renewing = options.renew && held && Number(held.tier_id) === tier.id && held.expires_at
    const from = renewing ? DateTime.fromJSDate(held.expires_at!) : now
    const terms = {
      tier_id: tier.id,
      status: 'active',
      source,
      joined_at: renewing ? held.joined_at : now.toJSDate(),
      expires_at: tier.validity_days ? from.plus({ days: tier.validity_days }).toJSDate() : null,
      updated_at: now.toJSDate(),
    }
    const [after]: MemberRow[] = before
      ? await trx.from('members').where('id', before.id).update(terms).returning('*')
      : await trx.table('members').insert({ ...terms, visitor_id: visitorId }).returning('*')
    await webhookEvents.memberJoined(trx, this.tenant, {
      member: Number(after.id),
      visitorId,
      tier: { id: tier.id, name: tier.name },
      source,
      joinedAt: iso(after.joined_at),
      expiresAt: iso(after.expires_at),
      previousTierId: held ? Number(held.tier_id) : null,
      renewed: Boolean(renewing),
      order: options.order ?? null,
      by: actor.type,
    })
    return { before, after }
  }

  /** A staff change to one membership, audited with its before and after. */
  async #change(memberId: number, action: string, meta: Record<string, unknown>, apply: (trx: TenantTransaction, row: MemberRow) => Promise<unknown>) {
    return runInTenant(this.tenant, async (trx) => {
      const row: MemberRow | null = await trx.from('members').where('id', memberId).forUpdate().first()
      if (!row) throw notFound('No such member', 'E_MEMBER_NOT_FOUND')
      await apply(trx, row)
      const after = await memberQuery(trx).where('m.id', memberId).first()
      await auditLog.tenant(trx, { action, subjectType: 'member', subjectId: memberId, before: serializeMember(row), after: serializeMember(after), meta })
      return serializeMember(after)
    })
  }
}
