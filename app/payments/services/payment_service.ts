/*
 * Paying orders at the channels, and applying what the channels say exactly once.
 *
 * - start: a payment attempt (支付单) for a pending order at a channel; the visitor may start
 *   several (switching channel); the first one paid settles the order, any other paid one is a
 *   surplus and is refunded at once.
 * - Every channel answer (notification, query, close) goes through `applyTrade`, which locks the
 *   payment row: a payment is applied once however many times and in whatever order the channel
 *   tells it. Amount, currency and merchant must match what we asked for, or nothing changes.
 * - A payment for an order that expired or was cancelled meanwhile: the places are held again if
 *   they are still free (the visitor gets the tickets they paid for); otherwise the payment is
 *   refunded automatically. Either way nobody pays without getting tickets or their money back.
 * - A notification that never comes: `queryDue` asks the channel about pending payments at growing
 *   intervals; `expireOverdue` closes overdue orders at the channel first (a payment that slipped
 *   in is applied, not lost), then gives their places back.
 */
import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import InventoryService from '#inventory/services/inventory_service'
import Order from '#orders/models/order'
import OrderTicket from '#orders/models/order_ticket'
import { issueOrder } from '#orders/services/checkout'
import { newTradeNo } from '#payments/trade_numbers'
import { recordOrderEvent, SYSTEM, type Actor } from '#orders/services/order_events'
import RefundService from '#orders/services/refund_service'
import Coupons from '#members/services/coupons'
import MemberPoints from '#members/services/member_points'
import ChangeService from '#orders/services/change_service'
import { PAYMENT_METHODS, ChannelError, NotificationRejected, type ChannelKind, type ChannelTrade, type ChannelEvent } from '#payments/channel'
import Payment from '#payments/models/payment'
import PaymentAccounts from '#payments/services/payment_accounts'
import { openidOf } from '#wechat/services/visitor_identities'
import { paymentNotifyUrl } from '#payments/services/notify_urls'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** WeChat Pay wants time_expire at least a minute out; we give every payment five. */
export const MIN_PAYMENT_MINUTES = 5

/** After a payment starts, ask the channel at these intervals (seconds) if no notification came. */
const QUERY_SCHEDULE = [30, 60, 120, 300, 600, 1800]

export interface StartPaymentInput {
  channel: ChannelKind
  method: string
  /** The signed-in visitor who pays: WeChat JSAPI pays as their openid at the venue's official account. */
  payerVisitorId?: number | null
  clientIp?: string
  returnUrl?: string
}

export default class PaymentService {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new PaymentService(tenant)
  }

  /**
   * A payment attempt for a pending order, or for the price difference of a change awaiting
   * payment (`changeId`); returns what the browser needs to pay.
   */
  async start(order: Order, input: StartPaymentInput, actor: Actor, changeId?: number) {
    if (!PAYMENT_METHODS[input.channel].includes(input.method)) {
      throw invalid('method', `${input.channel} pays by ${PAYMENT_METHODS[input.channel].join(', ')}`, 'E_BAD_METHOD')
    }
    // Inside WeChat the payer is known by their openid, which the server has from their WeChat
    // sign-in (网页授权); the page never names it.
    const openid = input.channel === 'wechat_pay' && input.method === 'jsapi' ? await this.#payerOpenid(input.payerVisitorId) : undefined
    const accounts = PaymentAccounts.for(this.tenant)
    const channel = await accounts.channel(input.channel)

    const payment = await runInTenant(this.tenant, async (trx) => {
      const locked = await Order.query({ client: trx }).where('id', order.id).forUpdate().firstOrFail()
      const due = changeId ? await this.#changeDue(trx, locked, changeId) : await this.#orderDue(locked)
      // A visitor who starts paying gets at least a few minutes to finish: the places are kept
      // that long (and the channel closes the payment at the same time).
      const floor = DateTime.now().plus({ minutes: MIN_PAYMENT_MINUTES })
      let expiresAt = due.expiresAt
      if (expiresAt < floor) {
        await trx.from('holds').where('id', due.holdId).where('status', 'active').update({ expires_at: floor.toJSDate() })
        expiresAt = floor
        if (!changeId) {
          locked.expiresAt = floor
          await locked.useTransaction(trx).save()
        }
      }
      const created = await Payment.create(
        {
          orderId: locked.id,
          changeId: changeId ?? null,
          channel: input.channel,
          method: input.method,
          outTradeNo: newTradeNo(),
          merchantId: channel.merchantId,
          amount: due.amount,
          status: 'pending',
          start: {},
          nextQueryAt: DateTime.now().plus({ seconds: QUERY_SCHEDULE[0] }),
          queryCount: 0,
          surplus: false,
        },
        { client: trx }
      )
      await recordOrderEvent(trx, locked, 'payment_started', actor, { channel: input.channel, method: input.method, outTradeNo: created.outTradeNo, amount: due.amount, changeId })
      return { created, expiresAt, number: locked.number }
    })

    try {
      const start = await channel.createPayment({
        outTradeNo: payment.created.outTradeNo,
        amount: payment.created.amount,
        description: `${this.tenant.name} ${payment.number}`.slice(0, 127),
        expiresAt: payment.expiresAt.toJSDate(),
        notifyUrl: paymentNotifyUrl(this.tenant, input.channel),
        returnUrl: input.returnUrl,
        method: input.method,
        payer: { openid, clientIp: input.clientIp },
      })
      await runInTenant(this.tenant, (trx) => trx.from('payments').where('id', payment.created.id).update({ start: JSON.stringify(start), updated_at: new Date() }))
      return { outTradeNo: payment.created.outTradeNo, channel: input.channel, method: input.method, amount: payment.created.amount, expiresAt: payment.expiresAt, start }
    } catch (error: any) {
      await runInTenant(this.tenant, (trx) =>
        trx.from('payments').where('id', payment.created.id).update({ status: 'closed', closed_at: new Date(), next_query_at: null, updated_at: new Date() })
      )
      logger.warn({ err: error, tenant: this.tenant.slug, channel: input.channel }, 'starting a payment failed')
      throw new AppError(`${input.channel} could not start the payment: ${error?.message ?? error}`, { status: 502, code: 'E_CHANNEL_ERROR', field: 'channel' })
    }
  }

  async #payerOpenid(visitorId: number | null | undefined) {
    const openid = visitorId ? await runInTenant(this.tenant, (trx) => openidOf(trx, visitorId)) : null
    if (!openid) throw invalid('openid', 'Paying inside WeChat needs the payer’s openid: sign in with WeChat from the official account', 'E_OPENID_REQUIRED')
    return openid
  }

  async #orderDue(order: Order) {
    if (order.status !== 'pending_payment') {
      throw new AppError(`This order is ${order.status.replace('_', ' ')}: it cannot be paid`, { status: 409, code: 'E_ORDER_NOT_PAYABLE' })
    }
    if (order.expiresAt <= DateTime.now()) throw new AppError('This order has expired', { status: 409, code: 'E_ORDER_EXPIRED' })
    return { amount: order.totalAmount, expiresAt: order.expiresAt, holdId: order.holdId }
  }

  async #changeDue(trx: TenantTransaction, order: Order, changeId: number) {
    const change = await trx.from('order_changes').where('id', changeId).where('order_id', order.id).first()
    if (!change) throw notFound('No such change', 'E_CHANGE_NOT_FOUND')
    const hold = change.hold_id ? await trx.from('holds').where('id', change.hold_id).where('status', 'active').first() : null
    if (change.status !== 'awaiting_payment' || !hold || hold.expires_at <= new Date()) {
      throw new AppError('This change has nothing to pay (completed, or its places were released: ask again)', { status: 409, code: 'E_CHANGE_NOT_PAYABLE' })
    }
    return { amount: Number(change.difference), expiresAt: DateTime.fromJSDate(hold.expires_at), holdId: change.hold_id as string }
  }

  /** Applies the events of a verified notification; a rejected one throws NotificationRejected. */
  async applyEvents(kind: ChannelKind, events: ChannelEvent[]) {
    for (const event of events) {
      if (event.type === 'payment') await this.applyTrade(kind, event.trade, { type: 'channel', id: kind })
      else await RefundService.for(this.tenant).applyChannelRefund(event.refund)
    }
  }

  /** What the channel says about one of our payments, applied once. */
  async applyTrade(kind: ChannelKind, trade: ChannelTrade, actor: Actor) {
    const followUps: (() => Promise<unknown>)[] = []
    await runInTenant(this.tenant, async (trx) => {
      const payment = await Payment.query({ client: trx }).where('out_trade_no', trade.outTradeNo).where('channel', kind).forUpdate().first()
      if (!payment) throw new NotificationRejected(`No ${kind} payment ${trade.outTradeNo} at this venue`, 'unknown')
      if (trade.state === 'paid' || trade.state === 'closed') this.#assertMatches(payment, trade)
      if (trade.state === 'closed' && payment.status === 'pending') {
        payment.merge({ status: 'closed', closedAt: DateTime.now(), nextQueryAt: null })
        await payment.useTransaction(trx).save()
        return
      }
      if (trade.state !== 'paid' || payment.status === 'paid') return

      payment.merge({
        status: 'paid',
        paidAt: trade.paidAt ? DateTime.fromJSDate(trade.paidAt) : DateTime.now(),
        channelTradeNo: trade.channelTradeNo ?? payment.channelTradeNo,
        nextQueryAt: null,
      })
      await payment.useTransaction(trx).save()
      const order = await Order.query({ client: trx }).where('id', payment.orderId).forUpdate().firstOrFail()
      followUps.push(...(await this.#settle(trx, order, payment, actor)))
    })
    for (const followUp of followUps) await followUp().catch((error) => logger.error({ err: error, tenant: this.tenant.slug }, 'payment follow-up failed'))
  }

  /** Amount, currency and merchant as we asked; anything else is not our payment's news. */
  #assertMatches(payment: Payment, trade: ChannelTrade) {
    if (trade.amount !== undefined && trade.amount !== payment.amount) {
      throw new NotificationRejected(`Amount ${trade.amount} does not match the payment's ${payment.amount}`, 'amount')
    }
    if (trade.currency !== undefined && trade.currency !== 'CNY') throw new NotificationRejected(`Currency ${trade.currency} is not CNY`, 'amount')
    if (trade.merchantId !== undefined && trade.merchantId !== payment.merchantId) {
      throw new NotificationRejected(`Merchant ${trade.merchantId} is not this payment's`, 'merchant')
    }
  }

  /** A payment was just marked paid: the order gets its tickets, or the money goes back. */
  async #settle(trx: TenantTransaction, order: Order, payment: Payment, actor: Actor) {
    const data = { channel: payment.channel, outTradeNo: payment.outTradeNo, amount: payment.amount }
    const others = () => this.#closeOtherPayments(payment)
    if (payment.changeId) {
      if (await ChangeService.for(this.tenant).completePaid(trx, payment.changeId, payment, actor)) return [others]
      return this.#giveBack(trx, order, payment, data)
    }
    if (order.status === 'pending_payment' && (await InventoryService.consume(this.tenant, order.holdId, trx))) {
      order.paidAmount = payment.amount
      await issueOrder(trx, this.tenant, order, actor, data)
      return [others]
    }
    if (order.status === 'pending_payment' || order.status === 'expired' || order.status === 'cancelled') {
      if (await this.#holdAgain(trx, order)) {
        order.paidAmount = payment.amount
        order.closedAt = null
        await issueOrder(trx, this.tenant, order, actor, { ...data, late: true })
        return [others]
      }
      if (order.status === 'pending_payment') {
        order.closedAt = DateTime.now()
        await recordOrderEvent(trx, order, 'expired', SYSTEM, { reason: 'its places were gone when the payment arrived' }, 'expired')
      }
    }
    // Paid too late for places that are gone, or a second payment of a paid order: give it back.
    return this.#giveBack(trx, order, payment, data)
  }

  async #giveBack(trx: TenantTransaction, order: Order, payment: Payment, data: Record<string, unknown>) {
    payment.surplus = true
    await payment.useTransaction(trx).save()
    const refund = await RefundService.for(this.tenant).createSurplusRefund(trx, order, payment)
    await recordOrderEvent(trx, order, 'payment_returned', SYSTEM, { ...data, outRefundNo: refund.outRefundNo })
    await auditLog.tenant(trx, { action: 'payment.surplus_refunded', subjectType: 'order', subjectId: order.number, meta: data, actor: { type: 'system' } })
    return [() => RefundService.for(this.tenant).submit(refund.id)]
  }

  /** A late payment: the order's tickets held and sold again, if their places are still free. */
  async #holdAgain(trx: TenantTransaction, order: Order): Promise<boolean> {
    // Reserved while pending; void once the order expired or was cancelled.
    const tickets = await OrderTicket.query({ client: trx }).where('order_id', order.id).whereIn('status', ['reserved', 'void']).orderBy('id')
    const groups = new Map<string, { productId: number; sessionId: number; quantity: number; index: number }>()
    for (const ticket of tickets) {
      const key = `${ticket.productId}:${ticket.sessionId}`
      const group = groups.get(key) ?? { productId: ticket.productId, sessionId: ticket.sessionId, quantity: 0, index: groups.size }
      group.quantity++
      groups.set(key, group)
    }
    try {
      const hold = await InventoryService.hold(this.tenant, {
        items: [...groups.values()].map(({ productId, sessionId, quantity }) => ({ productId, sessionId, quantity })),
        seats: tickets.filter((ticket) => ticket.seatId).map((ticket) => ({ sessionId: ticket.sessionId, seatId: ticket.seatId! })),
        claims: tickets
          .filter((ticket) => ticket.holderIdHash)
          .map((ticket) => ({ item: groups.get(`${ticket.productId}:${ticket.sessionId}`)!.index, idHash: ticket.holderIdHash! })),
        visitorId: order.visitorId,
        channel: order.salesChannel,
        minutes: MIN_PAYMENT_MINUTES,
        client: trx,
      })
      if (!(await InventoryService.consume(this.tenant, hold.id, trx))) return false
      order.holdId = hold.id
      await trx.from('order_tickets').whereIn('id', tickets.map((ticket) => ticket.id)).update({ hold_id: hold.id, status: 'reserved' })
      return true
    } catch (error) {
      if (error instanceof AppError) return false
      throw error
    }
  }

  /** Closes the other pending attempts to pay the same thing at their channels (after commit; best effort). */
  async #closeOtherPayments(paid: Payment) {
    const pending = await runInTenant(this.tenant, (trx) =>
      Payment.query({ client: trx })
        .where('order_id', paid.orderId)
        .whereNot('id', paid.id)
        .where('status', 'pending')
        .if(paid.changeId, (query) => query.where('change_id', paid.changeId!), (query) => query.whereNull('change_id'))
    )
    for (const payment of pending) await this.#closeAtChannel(payment)
  }

  /** Closes a pending payment at its channel, applying what the channel says (it may have been paid). */
  async #closeAtChannel(payment: Payment) {
    const channel = await PaymentAccounts.for(this.tenant).channel(payment.channel, { includeDisabled: true })
    const trade = await channel.close(payment.outTradeNo)
    if (trade.state === 'not_found') trade.state = 'closed'
    await this.applyTrade(payment.channel, trade, { type: 'channel', id: payment.channel })
    return trade
  }

  /** Asks the channels about pending payments whose notification is late; returns how many were asked. */
  async queryDue(options: { all?: boolean } = {}) {
    const due = await runInTenant(this.tenant, (trx) =>
      Payment.query({ client: trx })
        .where('status', 'pending')
        .if(!options.all, (query) => query.where('next_query_at', '<=', DateTime.now().toJSDate()))
        .orderBy('next_query_at')
        .limit(200)
    )
    for (const payment of due) {
      try {
        const channel = await PaymentAccounts.for(this.tenant).channel(payment.channel, { includeDisabled: true })
        const trade = await channel.query(payment.outTradeNo)
        if (trade.state === 'paid' || trade.state === 'closed') await this.applyTrade(payment.channel, trade, { type: 'system', id: 'query' })
      } catch (error) {
        logger.warn({ err: error, tenant: this.tenant.slug, outTradeNo: payment.outTradeNo }, 'querying a payment failed')
      }
      const next = QUERY_SCHEDULE[Math.min(payment.queryCount + 1, QUERY_SCHEDULE.length - 1)]
      await runInTenant(this.tenant, (trx) =>
        trx
          .from('payments')
          .where('id', payment.id)
          .where('status', 'pending')
          .update({ query_count: payment.queryCount + 1, next_query_at: DateTime.now().plus({ seconds: next }).toJSDate() })
      )
    }
    return due.length
  }

  /**
   * Ends pending orders whose time is up (or the one given, cancelled by its buyer): each payment
   * is closed at its channel first, so one that was paid meanwhile is applied instead of lost.
   */
  async expireOverdue() {
    const overdue = await runInTenant(this.tenant, (trx) =>
      Order.query({ client: trx }).where('status', 'pending_payment').where('expires_at', '<=', DateTime.now().toJSDate()).orderBy('expires_at').limit(100)
    )
    let ended = 0
    for (const order of overdue) {
      try {
        if (await this.end(order, 'expired', SYSTEM)) ended++
      } catch (error) {
        logger.warn({ err: error, tenant: this.tenant.slug, order: order.number }, 'expiring an order failed')
      }
    }
    return ended
  }

  /** Cancels or expires a pending order; false if it was no longer pending (e.g. paid meanwhile). */
  async end(order: Order, status: 'expired' | 'cancelled', actor: Actor): Promise<boolean> {
    const pending = await runInTenant(this.tenant, (trx) => Payment.query({ client: trx }).where('order_id', order.id).whereNull('change_id').where('status', 'pending'))
    for (const payment of pending) {
      try {
        await this.#closeAtChannel(payment)
      } catch (error) {
        // The channel cannot be reached: end the order anyway; a payment that arrives later is
        // settled by the late-payment rule (held again or refunded).
        if (!(error instanceof ChannelError) && !(error instanceof NotificationRejected)) logger.warn({ err: error }, 'closing a payment failed')
      }
    }
    const ended = await runInTenant(this.tenant, async (trx) => {
      const locked = await Order.query({ client: trx }).where('id', order.id).forUpdate().firstOrFail()
      if (locked.status !== 'pending_payment') return false
      locked.closedAt = DateTime.now()
      await recordOrderEvent(trx, locked, status, actor, {}, status)
      await trx.from('order_tickets').where('order_id', locked.id).where('status', 'reserved').update({ status: 'void', updated_at: new Date() })
      await Coupons.giveBack(trx, locked.id, { unpaid: true })
      await MemberPoints.giveBackUnpaid(trx, locked.id)
      return true
    })
    if (ended) await InventoryService.release(this.tenant, order.holdId)
    return ended
  }
}
