/*
 * Refunds (退票): a whole order or some of its tickets, following each product's rules, or as staff
 * decide (an override with its reason, audited). Once approved, the tickets stop working and their
 * places go back on sale at once, and the money goes back through the channel it came from; the
 * refund completes when the channel says so (notification or query). The order never gives back
 * more than was paid: the database refuses it (refunded_amount ≤ paid_amount), whatever races.
 *
 * Also the surplus refunds of payments an order could not take (see PaymentService).
 */
import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import Product from '#catalog/models/product'
import Session from '#catalog/models/session'
import InventoryService from '#inventory/services/inventory_service'
import { readBookingRules } from '#inventory/services/booking_policy'
import Order from '#orders/models/order'
import OrderTicket from '#orders/models/order_ticket'
import Refund from '#orders/models/refund'
import { newTradeNo } from '#payments/trade_numbers'
import { selectValidTickets } from '#orders/services/ticket_selection'
import { revokeTicketCodes } from '#tickets/services/ticket_service'
import { deleteFaceEnrollments } from '#checkin/services/face_enrollments'
import { announce } from '#tickets/services/ticket_delivery'
import Coupons from '#members/services/coupons'
import MemberPoints from '#members/services/member_points'
import { passRefundDeadlines, revokePassesOfTickets } from '#members/services/passes'
import { creditRefund } from '#members/services/distributor_deposits'
import { webhookEvents } from '#members/services/webhook_events'
import { recordOrderEvent, type Actor } from '#orders/services/order_events'
import { refreshOrderStatus } from '#orders/services/order_status'
import { RefundPolicy } from '#orders/services/refund_policy'
import { ChannelError, NotificationRejected, type ChannelRefund } from '#payments/channel'
import Payment from '#payments/models/payment'
import PaymentAccounts from '#payments/services/payment_accounts'
import { paymentNotifyUrl } from '#payments/services/notify_urls'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** Ask the channel about a refund with no answer yet after this long (seconds). */
const REFUND_QUERY_AFTER = 60

const REFUNDABLE_ORDER: Order['status'][] = ['issued', 'partially_used', 'partially_refunded', 'refunding']

export interface RefundAsk {
  /** Which tickets; all the order's valid tickets when left out. */
  ticketIds?: number[]
  reason?: string
}

export interface StaffRefundAsk extends RefundAsk {
  /** Staff override: refund even outside the product's rules, with this fee (fen) instead of the rules'. */
  override?: { fee: number; reason: string }
}

export interface TicketQuote {
  ticketId: number
  price: number
  allowed: boolean
  fee: number
  amount: number
  reason?: string
}

export default class RefundService {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new RefundService(tenant)
  }

  /** What refunding these tickets now would give back, ticket by ticket. */
  async quote(order: Order, ask: RefundAsk) {
    return runInTenant(this.tenant, async (trx) => this.#quote(trx, await selectValidTickets(trx, order, ask.ticketIds, { verb: 'refund', code: 'E_TICKET_NOT_REFUNDABLE' })))
  }

  /** A visitor's request: within the rules only; approved at once unless the venue reviews refunds. */
  async request(order: Order, ask: RefundAsk, actor: Actor) {
    return this.#create(order, actor, async (trx, tickets) => {
      const quote = await this.#quote(trx, tickets)
      const refused = quote.tickets.find((ticket) => !ticket.allowed)
      if (refused) throw new AppError(refused.reason!, { status: 422, code: 'E_NOT_REFUNDABLE', field: 'ticketIds', meta: { ticketId: refused.ticketId } })
      const rules = await readBookingRules(this.tenant, trx)
      return { amount: quote.amount, fee: quote.fee, kind: 'visitor' as const, approve: rules.refundApproval === 'auto' }
    }, ask)
  }

  /** A refund staff make: the rules' fee, or their override (audited), approved at once. */
  async staffRefund(order: Order, ask: StaffRefundAsk, actor: Actor) {
    return this.#create(order, actor, async (trx, tickets) => {
      const quote = await this.#quote(trx, tickets)
      if (!ask.override) {
        const refused = quote.tickets.find((ticket) => !ticket.allowed)
        if (refused) throw new AppError(`${refused.reason} (an override with a reason can refund it anyway)`, { status: 422, code: 'E_NOT_REFUNDABLE', field: 'ticketIds' })
        return { amount: quote.amount, fee: quote.fee, kind: 'staff' as const, approve: true }
      }
      const paid = await paidPrices(trx, tickets)
      const total = tickets.reduce((sum, ticket) => sum + (paid.get(ticket.id) ?? ticket.price), 0)
      if (ask.override.fee > total) throw invalid('override.fee', `The fee cannot be more than what was paid for these tickets (${total} fen)`)
      return { amount: total - ask.override.fee, fee: ask.override.fee, kind: 'staff' as const, approve: true, overrideReason: ask.override.reason }
    }, ask)
  }

  async approve(refundId: number, actor: Actor) {
    const refund = await runInTenant(this.tenant, async (trx) => {
      const { refund, order } = await this.#lockRequested(trx, refundId)
      await this.#approve(trx, order, refund, actor)
      return refund
    })
    await this.submit(refund.id)
    return this.#reload(refund.id)
  }

  async reject(refundId: number, actor: Actor, reason: string) {
    await runInTenant(this.tenant, async (trx) => {
      const { refund, order } = await this.#lockRequested(trx, refundId)
      refund.merge({ status: 'rejected', decidedBy: actorLabel(actor), decidedAt: DateTime.now(), overrideReason: reason })
      await refund.useTransaction(trx).save()
      await trx.from('order_tickets').whereIn('id', refund.ticketIds).where('status', 'refunding').update({ status: 'valid', updated_at: new Date() })
      await recordOrderEvent(trx, order, 'refund_rejected', actor, { outRefundNo: refund.outRefundNo, reason })
      await refreshOrderStatus(trx, order, actor)
      await auditLog.tenant(trx, { action: 'refund.rejected', subjectType: 'order', subjectId: order.number, meta: { outRefundNo: refund.outRefundNo, reason } })
    })
    return this.#reload(refundId)
  }

  /** Sends a failed refund again (e.g. after WeChat CLOSED it), under a new refund number. */
  async retry(refundId: number, actor: Actor) {
    await runInTenant(this.tenant, async (trx) => {
      const refund = await Refund.query({ client: trx }).where('id', refundId).forUpdate().first()
      if (!refund) throw notFound('No such refund', 'E_REFUND_NOT_FOUND')
      if (refund.status !== 'failed') throw new AppError(`Only a failed refund can be sent again; this one is ${refund.status}`, { status: 409, code: 'E_REFUND_NOT_FAILED' })
      const order = await Order.query({ client: trx }).where('id', refund.orderId).forUpdate().firstOrFail()
      if (refund.kind !== 'surplus') {
        order.refundedAmount += refund.amount
        await order.useTransaction(trx).save()
      }
      const previous = refund.outRefundNo
      refund.merge({ status: 'processing', outRefundNo: newTradeNo(), decidedBy: actorLabel(actor), decidedAt: DateTime.now(), nextQueryAt: null })
      await refund.useTransaction(trx).save()
      await recordOrderEvent(trx, order, 'refund_retried', actor, { previousOutRefundNo: previous, outRefundNo: refund.outRefundNo, amount: refund.amount })
      await refreshOrderStatus(trx, order, actor)
    })
    await this.submit(refundId)
    return this.#reload(refundId)
  }

  /** A payment the order could not take goes back whole (in the caller's transaction; submit after commit). */
  async createSurplusRefund(trx: TenantTransaction, order: Order, payment: Payment) {
    return Refund.create(
      {
        orderId: order.id,
        paymentId: payment.id,
        outRefundNo: newTradeNo(),
        amount: payment.amount,
        fee: 0,
        status: 'processing',
        kind: 'surplus',
        reason: 'Payment arrived when the order could no longer take it',
        ticketIds: [],
        decidedBy: 'system',
        decidedAt: DateTime.now(),
      },
      { client: trx }
    )
  }

  /** Sends an approved refund to its channel (after the approval committed); safe to repeat. */
  async submit(refundId: number) {
    const found = await runInTenant(this.tenant, async (trx) => {
      const refund = await Refund.find(refundId, { client: trx })
      const payment = refund?.paymentId ? await Payment.find(refund.paymentId, { client: trx }) : null
      return refund && payment && refund.status === 'processing' ? { refund, payment } : null
    })
    if (!found) return
    const { refund, payment } = found
    try {
      const channel = await PaymentAccounts.for(this.tenant).channel(payment.channel, { includeDisabled: true })
      const answer = await channel.refund({
        outTradeNo: payment.outTradeNo,
        outRefundNo: refund.outRefundNo,
        amount: refund.amount,
        totalAmount: payment.amount,
        reason: (refund.reason ?? 'Refund').slice(0, 80),
        notifyUrl: paymentNotifyUrl(this.tenant, payment.channel),
        channelTradeNo: payment.channelTradeNo ?? undefined,
      })
      await this.applyChannelRefund({ ...answer, outRefundNo: refund.outRefundNo }, { type: 'system', id: 'refund' })
    } catch (error) {
      if (error instanceof ChannelError && !error.retriable) {
        await this.applyChannelRefund({ outRefundNo: refund.outRefundNo, state: 'failed' }, { type: 'system', id: 'refund' }, error.message)
        return
      }
      logger.warn({ err: error, tenant: this.tenant.slug, outRefundNo: refund.outRefundNo }, 'submitting a refund failed; it will be retried')
      await runInTenant(this.tenant, (trx) =>
        trx.from('refunds').where('id', refund.id).update({ next_query_at: DateTime.now().plus({ seconds: REFUND_QUERY_AFTER }).toJSDate() })
      )
    }
  }

  /** What the channel says about one of our refunds (notification, answer or query), applied once. */
  async applyChannelRefund(answer: ChannelRefund, actor: Actor = { type: 'channel' }, failure?: string) {
    await runInTenant(this.tenant, async (trx) => {
      const refund = await Refund.query({ client: trx }).where('out_refund_no', answer.outRefundNo).forUpdate().first()
      if (!refund) throw new NotificationRejected(`No refund ${answer.outRefundNo} at this venue`, 'unknown')
      if (answer.amount !== undefined && answer.amount !== refund.amount) {
        throw new NotificationRejected(`Refund amount ${answer.amount} does not match ${refund.amount}`, 'amount')
      }
      if (refund.status !== 'processing' && refund.status !== 'abnormal') return
      const order = await Order.query({ client: trx }).where('id', refund.orderId).forUpdate().firstOrFail()
      const data = { outRefundNo: refund.outRefundNo, amount: refund.amount, kind: refund.kind }
      if (answer.channelRefundNo) refund.channelRefundNo = answer.channelRefundNo

      if (answer.state === 'succeeded') {
        refund.merge({ status: 'succeeded', completedAt: answer.completedAt ? DateTime.fromJSDate(answer.completedAt) : DateTime.now(), nextQueryAt: null })
        await refund.useTransaction(trx).save()
        await recordOrderEvent(trx, order, 'refund_succeeded', actor, data)
        await webhookEvents.orderRefunded(trx, this.tenant, order, refund)
        if (refund.kind !== 'change') await announce(trx, this.tenant, order, 'order_refunded', { key: refund.outRefundNo, amount: refund.amount, reason: refund.reason ?? undefined })
      } else if (answer.state === 'failed') {
        refund.merge({ status: 'failed', nextQueryAt: null })
        await refund.useTransaction(trx).save()
        if (refund.kind !== 'surplus') {
          order.refundedAmount -= refund.amount
          await order.useTransaction(trx).save()
        }
        await recordOrderEvent(trx, order, 'refund_failed', actor, { ...data, error: failure })
        await auditLog.tenant(trx, { action: 'refund.failed', subjectType: 'order', subjectId: order.number, outcome: 'failure', meta: { ...data, error: failure }, actor: { type: 'system' } })
      } else {
        // Processing, or ABNORMAL (not final: e.g. the card was closed; staff follow up): ask again later.
        refund.merge({ status: answer.state === 'abnormal' ? 'abnormal' : 'processing', nextQueryAt: DateTime.now().plus({ seconds: REFUND_QUERY_AFTER }) })
        await refund.useTransaction(trx).save()
        if (answer.state === 'abnormal') await recordOrderEvent(trx, order, 'refund_abnormal', actor, data)
      }
      await refreshOrderStatus(trx, order, actor)
    })
  }

  /** Refunds with no final answer: ask their channel (and send again those it never received). */
  async queryDue(options: { all?: boolean } = {}) {
    const due = await runInTenant(this.tenant, (trx) =>
      Refund.query({ client: trx })
        .whereIn('status', ['processing', 'abnormal'])
        .if(!options.all, (query) => query.where('next_query_at', '<=', DateTime.now().toJSDate()))
        .limit(200)
    )
    for (const refund of due) {
      try {
        const payment = await runInTenant(this.tenant, (trx) => Payment.findOrFail(refund.paymentId, { client: trx }))
        const channel = await PaymentAccounts.for(this.tenant).channel(payment.channel, { includeDisabled: true })
        const answer = await channel.queryRefund(refund.outRefundNo, payment.outTradeNo)
        if (answer.state === 'not_found') await this.submit(refund.id)
        else await this.applyChannelRefund({ ...answer, outRefundNo: refund.outRefundNo }, { type: 'system', id: 'query' })
      } catch (error) {
        logger.warn({ err: error, tenant: this.tenant.slug, outRefundNo: refund.outRefundNo }, 'querying a refund failed')
      }
    }
    return due.length
  }

  async #create(
    order: Order,
    actor: Actor,
    decide: (
      trx: TenantTransaction,
      tickets: OrderTicket[]
    ) => Promise<{ amount: number; fee: number; kind: 'visitor' | 'staff'; approve: boolean; overrideReason?: string }>,
    ask: RefundAsk
  ) {
    const created = await runInTenant(this.tenant, async (trx) => {
      const locked = await Order.query({ client: trx }).where('id', order.id).forUpdate().firstOrFail()
      if (!REFUNDABLE_ORDER.includes(locked.status)) {
        throw new AppError(`This order is ${locked.status.replace('_', ' ')}: there is nothing to refund`, { status: 409, code: 'E_ORDER_NOT_REFUNDABLE' })
      }
      const tickets = await selectValidTickets(trx, locked, ask.ticketIds, { verb: 'refund', code: 'E_TICKET_NOT_REFUNDABLE', lock: true })
      const decision = await decide(trx, tickets)
      const refund = await Refund.create(
        {
          orderId: locked.id,
          outRefundNo: newTradeNo(),
          amount: decision.amount,
          fee: decision.fee,
          status: 'requested',
          kind: decision.kind,
          reason: ask.reason ?? null,
          ticketIds: tickets.map((ticket) => ticket.id),
          requestedBy: actorLabel(actor),
          overrideReason: decision.overrideReason ?? null,
        },
        { client: trx }
      )
      await trx.from('order_tickets').whereIn('id', refund.ticketIds).update({ status: 'refunding', updated_at: new Date() })
      await recordOrderEvent(trx, locked, 'refund_requested', actor, { outRefundNo: refund.outRefundNo, amount: refund.amount, fee: refund.fee, tickets: refund.ticketIds })
      if (decision.overrideReason) {
        await auditLog.tenant(trx, {
          action: 'refund.override',
          subjectType: 'order',
          subjectId: locked.number,
          meta: { outRefundNo: refund.outRefundNo, amount: refund.amount, fee: refund.fee, reason: decision.overrideReason },
        })
      }
      if (decision.approve) await this.#approve(trx, locked, refund, actor)
      else await refreshOrderStatus(trx, locked, actor)
      return refund
    })
    await this.submit(created.id)
    return this.#reload(created.id)
  }

  /** The money is promised back: tickets refunded and back on sale, the refund sent to the channel. */
  async #approve(trx: TenantTransaction, order: Order, refund: Refund, actor: Actor) {
    const payment = await Payment.query({ client: trx }).where('order_id', order.id).where('status', 'paid').where('surplus', false).first()
    refund.merge({
      status: refund.amount === 0 || !payment ? 'succeeded' : 'processing',
      paymentId: payment?.id ?? null,
      decidedBy: actorLabel(actor),
      decidedAt: DateTime.now(),
      completedAt: refund.amount === 0 || !payment ? DateTime.now() : null,
    })
    await refund.useTransaction(trx).save()
    order.refundedAmount += refund.amount
    await order.useTransaction(trx).save()
    // A distributor's order (分销) was paid from its deposit: the money goes back there, now.
    if (order.salesChannel === 'distributor') await creditRefund(trx, order, refund)

    const tickets = await OrderTicket.query({ client: trx }).whereIn('id', refund.ticketIds)
    await revokeTicketCodes(trx, refund.ticketIds, 'refunded')
    await revokePassesOfTickets(trx, refund.ticketIds, 'refunded')
    await deleteFaceEnrollments(trx, refund.ticketIds, 'refunded')
    await trx.from('order_tickets').whereIn('id', refund.ticketIds).update({ status: 'refunded', updated_at: new Date() })
    await InventoryService.giveBack(
      this.tenant,
      tickets.map((ticket) => ({ holdId: ticket.holdId, productId: ticket.productId, sessionId: ticket.sessionId, seatId: ticket.seatId, idHash: ticket.holderIdHash })),
      trx
    )
    await recordOrderEvent(trx, order, 'refund_approved', actor, { outRefundNo: refund.outRefundNo, amount: refund.amount, fee: refund.fee })
    await refreshOrderStatus(trx, order, actor)
    // Every ticket refunded: the coupon's use comes back if its campaign says so.
    if (order.discountAmount > 0 || order.couponCode) {
      const left = await trx.from('order_tickets').where('order_id', order.id).whereNot('status', 'refunded').count('* as count').first()
      if (Number(left?.count ?? 0) === 0) await Coupons.giveBack(trx, order.id)
    }
    // Points (积分): earned ones go back and redeemed ones return, in proportion to what was refunded.
    await MemberPoints.afterRefund(trx, order, actor)
    // Nothing to send back through a channel (a free order): done, and the visitor told now.
    if (refund.status === 'succeeded') {
      await announce(trx, this.tenant, order, 'order_refunded', { key: refund.outRefundNo, amount: 0, reason: refund.reason ?? undefined })
      await webhookEvents.orderRefunded(trx, this.tenant, order, refund)
    }
  }

  async #lockRequested(trx: TenantTransaction, refundId: number) {
    const refund = await Refund.query({ client: trx }).where('id', refundId).forUpdate().first()
    if (!refund) throw notFound('No such refund', 'E_REFUND_NOT_FOUND')
    if (refund.status !== 'requested') throw new AppError(`This refund is already ${refund.status}`, { status: 409, code: 'E_REFUND_DECIDED' })
    const order = await Order.query({ client: trx }).where('id', refund.orderId).forUpdate().firstOrFail()
    return { refund, order }
  }

    async #quote(trx: TenantTransaction, tickets: OrderTicket[]) {
    const products = new Map((await Product.query({ client: trx }).whereIn('id', tickets.map((t) => t.productId))).map((p) => [p.id, p]))
    const sessions = new Map((await Session.query({ client: trx }).whereIn('id', tickets.map((t) => t.sessionId))).map((s) => [s.id, s]))
    const paid = await paidPrices(trx, tickets)
    // 年卡: a pass counts from its own validity, not from the session it was sold in.
    const passDeadlines = await passRefundDeadlines(trx, tickets.map((t) => t.id))
    const quotes: TicketQuote[] = tickets.map((ticket) => {
      const product = products.get(ticket.productId)!
      const session = sessions.get(ticket.sessionId)!
      const deadline = passDeadlines.get(ticket.id) ?? (session.kind === 'open_date' ? session.endsAt : session.startsAt).toJSDate()
      const verdict = RefundPolicy.quote({ price: paid.get(ticket.id) ?? ticket.price, deadline, refundable: product.refundable, tiers: product.refundTiers })
      return verdict.allowed
        ? { ticketId: ticket.id, price: ticket.price, allowed: true, fee: verdict.fee, amount: verdict.amount }
        : { ticketId: ticket.id, price: ticket.price, allowed: false, fee: 0, amount: 0, reason: verdict.reason }
    })
    return {
      tickets: quotes,
      allowed: quotes.every((quote) => quote.allowed),
      amount: quotes.reduce((sum, quote) => sum + quote.amount, 0),
      fee: quotes.reduce((sum, quote) => sum + quote.fee, 0),
    }
  }

  async #reload(refundId: number) {
    return runInTenant(this.tenant, (trx) => Refund.findOrFail(refundId, { client: trx }))
  }
}

export function actorLabel(actor: Actor): string {
  return actor.id === undefined || actor.id === null ? actor.type : `${actor.type}:${actor.id}`
}

/**
 * What was actually paid for each ticket: its price less its share of the order's coupon discount,
 * floor(discount × price / sum of prices) with the remainder on the last ticket (by id) of the order.
 */
async function paidPrices(trx: TenantTransaction, tickets: OrderTicket[]): Promise<Map<number, number>> {
  const paid = new Map<number, number>()
  if (!tickets.length) return paid
  const order = await trx.from('orders').where('id', tickets[0].orderId).select('discount_amount').first()
  const discount = Number(order?.discount_amount ?? 0)
  if (discount <= 0) return paid
  // The tickets the order was placed with (a changed ticket's replacement carries its original's share).
  const all: { id: number; price: number; replaces_id: number | null }[] = await trx
    .from('order_tickets')
    .where('order_id', tickets[0].orderId)
    .orderBy('id')
    .select('id', 'price', 'replaces_id')
  const originals = all.filter((row) => !row.replaces_id)
  const sum = originals.reduce((total, row) => total + row.price, 0)
  const share = new Map<number, number>()
  let given = 0
  for (const [index, row] of originals.entries()) {
    const part = index === originals.length - 1 ? discount - given : Math.floor((discount * row.price) / (sum || 1))
    given += part
    share.set(Number(row.id), part)
  }
  for (const row of all) {
    let root = row
    while (root.replaces_id) root = all.find((other) => Number(other.id) === Number(root.replaces_id)) ?? { ...root, replaces_id: null }
    paid.set(Number(row.id), Math.max(0, row.price - (share.get(Number(root.id)) ?? 0)))
  }
  return paid
}
