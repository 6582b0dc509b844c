/*
 * 改签: moving valid tickets to another session of the same product (another date or time slot),
 * if it has room. The new tickets replace the old ones (which keep their history as 'changed'),
 * the old places go back on sale, the new ones are sold. The price may differ on the new day: a
 * higher price is paid first (the change waits for that payment, its places held meanwhile); a
 * lower one is refunded to the original channel. Visitors ask; the venue's rule approves at once
 * or leaves it to staff.
 */
import { DateTime } from 'luxon'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import Product from '#catalog/models/product'
import Session from '#catalog/models/session'
import Site from '#catalog/models/site'
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
import { webhookEvents } from '#members/services/webhook_events'
import MemberPricing from '#members/services/member_pricing'
import { recordOrderEvent, type Actor } from '#orders/services/order_events'
import { refreshOrderStatus } from '#orders/services/order_status'
import RefundService, { actorLabel } from '#orders/services/refund_service'
import Payment from '#payments/models/payment'
import { campaignOfOrder } from '#members/services/vouchers'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface ChangeAsk {
  ticketIds?: number[]
  toSessionId: number
}

interface ChangeRow {
  id: number
  order_id: number
  ticket_ids: (string | number)[]
  to_session_id: number
  hold_id: string | null
  difference: number
  status: 'requested' | 'awaiting_payment' | 'completed' | 'rejected' | 'cancelled'
  payment_id: number | null
  refund_id: number | null
}

const CHANGEABLE_ORDER: Order['status'][] = ['issued', 'partially_used', 'partially_refunded']

export default class ChangeService {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new ChangeService(tenant)
  }

  /** What the change would cost (positive) or give back (negative), ticket by ticket. */
  async quote(order: Order, ask: ChangeAsk) {
    return runInTenant(this.tenant, async (trx) => {
      const tickets = await selectValidTickets(trx, order, ask.ticketIds, { verb: 'change', code: 'E_TICKET_NOT_CHANGEABLE' })
      return this.#price(trx, order, tickets, ask.toSessionId)
    })
  }

  /** A visitor's (or staff's) request; completed at once when the rules allow and no payment is due. */
  async request(order: Order, ask: ChangeAsk, actor: Actor) {
    const outcome = await runInTenant(this.tenant, async (trx) => {
      const locked = await Order.query({ client: trx }).where('id', order.id).forUpdate().firstOrFail()
      if (!CHANGEABLE_ORDER.includes(locked.status)) {
        throw new AppError(`This order is ${locked.status.replace('_', ' ')}: its tickets cannot be changed`, { status: 409, code: 'E_ORDER_NOT_CHANGEABLE' })
      }
      const tickets = await selectValidTickets(trx, locked, ask.ticketIds, { verb: 'change', code: 'E_TICKET_NOT_CHANGEABLE', lock: true })
      const quote = await this.#price(trx, locked, tickets, ask.toSessionId)
      const rules = await readBookingRules(this.tenant, trx)
      const [change] = await trx
        .table('order_changes')
        .insert({
          order_id: locked.id,
          ticket_ids: tickets.map((ticket) => ticket.id),
          to_session_id: ask.toSessionId,
          difference: quote.difference,
          status: 'requested',
          requested_by: actorLabel(actor),
        })
        .returning('*')
      await recordOrderEvent(trx, locked, 'change_requested', actor, { changeId: change.id, toSessionId: ask.toSessionId, difference: quote.difference })
      return { change, approve: actor.type === 'staff' || rules.changeApproval === 'auto' }
    })
    if (outcome.approve) return this.approve(outcome.change.id, actor)
    return this.show(outcome.change.id)
  }

  /** Holds the new places; completes the change, or waits for the price difference to be paid. */
  async approve(changeId: number, actor: Actor) {
    const refundId = await runInTenant(this.tenant, async (trx) => {
      const { change, order } = await this.#lock(trx, changeId, ['requested'])
      const tickets = await OrderTicket.query({ client: trx }).whereIn('id', change.ticket_ids.map(Number)).forUpdate()
      if (tickets.some((ticket) => ticket.status !== 'valid')) throw invalid('ticketIds', 'Some of these tickets are no longer valid', 'E_TICKET_NOT_CHANGEABLE')
      const hold = await this.#holdNew(trx, order, tickets, change.to_session_id)
      await trx.from('order_changes').where('id', change.id).update({ hold_id: hold.id, decided_by: actorLabel(actor), updated_at: new Date() })
      change.hold_id = hold.id
      if (change.difference > 0) {
        await trx.from('order_changes').where('id', change.id).update({ status: 'awaiting_payment' })
        await recordOrderEvent(trx, order, 'change_awaiting_payment', actor, { changeId: change.id, difference: change.difference, holdExpiresAt: hold.expiresAt })
        return null
      }
      return this.#complete(trx, order, change, actor)
    })
    if (refundId) await RefundService.for(this.tenant).submit(refundId)
    return this.show(changeId)
  }

  async reject(changeId: number, actor: Actor, reason: string) {
    await runInTenant(this.tenant, async (trx) => {
      const { change, order } = await this.#lock(trx, changeId, ['requested'])
      await trx.from('order_changes').where('id', change.id).update({ status: 'rejected', decided_by: actorLabel(actor), updated_at: new Date() })
      await recordOrderEvent(trx, order, 'change_rejected', actor, { changeId, reason })
    })
    return this.show(changeId)
  }

  /** The difference of a change awaiting payment was paid (PaymentService, in its transaction). */
  async completePaid(trx: TenantTransaction, changeId: number, payment: Payment, actor: Actor): Promise<boolean> {
    const { change, order } = await this.#lock(trx, changeId, ['awaiting_payment'])
    if (payment.amount !== change.difference) return false
    await trx.from('order_changes').where('id', change.id).update({ payment_id: payment.id })
    order.paidAmount += payment.amount
    await order.useTransaction(trx).save()
    const done = await this.#completeIfHeld(trx, order, change, actor)
    if (!done) {
      order.paidAmount -= payment.amount
      await order.useTransaction(trx).save()
    }
    return done
  }

  async show(changeId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const row: ChangeRow | undefined = await trx.from('order_changes').where('id', changeId).first()
      if (!row) throw notFound('No such change', 'E_CHANGE_NOT_FOUND')
      return {
        id: Number(row.id),
        status: row.status,
        ticketIds: row.ticket_ids.map(Number),
        toSessionId: Number(row.to_session_id),
        difference: row.difference,
      }
    })
  }

  async #completeIfHeld(trx: TenantTransaction, order: Order, change: ChangeRow, actor: Actor) {
    try {
      await this.#complete(trx, order, change, actor)
      return true
    } catch (error) {
      if (error instanceof AppError) return false
      throw error
    }
  }

  /** Sells the new places, replaces the tickets, gives the old places back; returns a refund to submit, if any. */
  async #complete(trx: TenantTransaction, order: Order, change: ChangeRow, actor: Actor): Promise<number | null> {
    if (!change.hold_id || !(await InventoryService.consume(this.tenant, change.hold_id, trx))) {
      throw new AppError('The new places were released before the change completed; please ask again', { status: 409, code: 'E_HOLD_EXPIRED' })
    }
    const old = await OrderTicket.query({ client: trx }).whereIn('id', change.ticket_ids.map(Number)).orderBy('id')
    const { perTicket } = await this.#price(trx, order, old, change.to_session_id)
    const seats: number[] = (await trx.from('session_seats').where('hold_id', change.hold_id).orderBy('seat_id').select('seat_id')).map((row) => Number(row.seat_id))
    for (const ticket of old) {
      await OrderTicket.create(
        {
          orderId: order.id,
          productId: ticket.productId,
          sessionId: change.to_session_id,
          seatId: ticket.seatId ? (seats.shift() ?? null) : null,
          holdId: change.hold_id,
          price: perTicket.get(ticket.id)!,
          status: 'valid',
          holderName: ticket.holderName,
          holderIdType: ticket.holderIdType,
          holderIdNumber: ticket.holderIdNumber,
          holderIdHash: ticket.holderIdHash,
          holderIdMasked: ticket.holderIdMasked,
          holderPhone: ticket.holderPhone,
          partySize: ticket.partySize,
          replacesId: ticket.id,
        },
        { client: trx }
      )
    }
    await revokeTicketCodes(trx, old.map((ticket) => ticket.id), 'changed')
    await deleteFaceEnrollments(trx, old.map((ticket) => ticket.id), 'changed')
    await trx.from('order_tickets').whereIn('id', old.map((ticket) => ticket.id)).update({ status: 'changed', updated_at: new Date() })
    await InventoryService.giveBack(
      this.tenant,
      old.map((ticket) => ({ holdId: ticket.holdId, productId: ticket.productId, sessionId: ticket.sessionId, seatId: ticket.seatId, idHash: ticket.holderIdHash })),
      trx
    )

    let refundId: number | null = null
    if (change.difference < 0) {
      const payment = await Payment.query({ client: trx }).where('order_id', order.id).where('status', 'paid').where('surplus', false).orderBy('id').first()
      if (payment) {
        const refund = await Refund.create(
          {
            orderId: order.id,
            paymentId: payment.id,
            outRefundNo: newTradeNo(),
            amount: -change.difference,
            fee: 0,
            status: 'processing',
            kind: 'change',
            reason: 'Price difference of a change (改签差价)',
            ticketIds: old.map((ticket) => ticket.id),
            requestedBy: actorLabel(actor),
            decidedBy: actorLabel(actor),
            decidedAt: DateTime.now(),
          },
          { client: trx }
        )
        order.refundedAmount += refund.amount
        await order.useTransaction(trx).save()
        refundId = refund.id
      }
    }
    await trx.from('order_changes').where('id', change.id).update({ status: 'completed', refund_id: refundId, updated_at: new Date() })
    const fromSessions = [...new Set(old.map((ticket) => ticket.sessionId))]
    await recordOrderEvent(trx, order, 'changed', actor, { changeId: change.id, fromSessionIds: fromSessions, toSessionId: change.to_session_id, difference: change.difference })
    await announce(trx, this.tenant, order, 'change_confirmed', { key: String(change.id) })
    await webhookEvents.orderChanged(trx, this.tenant, order, change.id)
    await auditLog.tenant(trx, { action: 'order.changed', subjectType: 'order', subjectId: order.number, meta: { changeId: change.id, toSessionId: change.to_session_id, difference: change.difference } })
    await refreshOrderStatus(trx, order, actor)
    return refundId
  }

  /** Holds the new session's places for these tickets' products, holders and seats. */
  async #holdNew(trx: TenantTransaction, order: Order, tickets: OrderTicket[], toSessionId: number) {
    const byProduct = new Map<number, number>()
    for (const ticket of tickets) byProduct.set(ticket.productId, (byProduct.get(ticket.productId) ?? 0) + 1)
    const products = [...byProduct.keys()]
    const rules = await readBookingRules(this.tenant, trx)
    const request = {
      items: products.map((productId) => ({ productId, sessionId: toSessionId, quantity: byProduct.get(productId)! })),
      claims: tickets.filter((ticket) => ticket.holderIdHash).map((ticket) => ({ item: products.indexOf(ticket.productId), idHash: ticket.holderIdHash! })),
      visitorId: order.visitorId,
      channel: 'change',
      minutes: rules.holdMinutes,
      client: trx,
      voucherCampaignId: await campaignOfOrder(trx, order.id),
    }
    return tickets.some((ticket) => ticket.seatId)
      ? InventoryService.holdBestAvailable(this.tenant, request, { sessionId: toSessionId })
      : InventoryService.hold(this.tenant, request)
  }

  async #lock(trx: TenantTransaction, changeId: number, statuses: ChangeRow['status'][]) {
    const change: ChangeRow | undefined = await trx.from('order_changes').where('id', changeId).forUpdate().first()
    if (!change) throw notFound('No such change', 'E_CHANGE_NOT_FOUND')
    if (!statuses.includes(change.status)) throw new AppError(`This change is already ${change.status}`, { status: 409, code: 'E_CHANGE_DECIDED' })
    change.difference = Number(change.difference)
    const order = await Order.query({ client: trx }).where('id', change.order_id).forUpdate().firstOrFail()
    return { change, order }
  }

  /**
   * Each ticket's price at the new session, as checkout would price it for the order's buyer (a
   * member's price while they are a member), and the difference from what was paid.
   */
  async #price(trx: TenantTransaction, order: Order, tickets: OrderTicket[], toSessionId: number) {
    const session = await Session.find(toSessionId, { client: trx })
    if (!session || session.status !== 'open') throw invalid('toSessionId', 'No such session open for sale', 'E_SESSION_NOT_FOUND')
    const products = await Product.query({ client: trx }).whereIn('id', [...new Set(tickets.map((ticket) => ticket.productId))])
    const oldSessions = await Session.query({ client: trx }).whereIn('id', [...new Set(tickets.map((ticket) => ticket.sessionId))])
    if (products.some((product) => !product.changeable)) throw invalid('ticketIds', 'These tickets cannot be changed (改签 is not allowed for this product)', 'E_NOT_CHANGEABLE')
    if (oldSessions.some((old) => old.startsAt <= DateTime.now())) throw invalid('ticketIds', 'The session of these tickets has started: they can no longer be changed', 'E_NOT_CHANGEABLE')
    if (tickets.some((ticket) => ticket.sessionId === toSessionId)) throw invalid('toSessionId', 'These tickets are already for this session', 'E_SAME_SESSION')
    const site = await Site.findOrFail(session.siteId, { client: trx })
    const pricer = await MemberPricing.for(this.tenant).of(trx, order.visitorId)
    const perTicket = new Map<number, number>()
    for (const product of products) {
      const price = await pricer.priceAtSession(trx, product, session, site)
      for (const ticket of tickets.filter((candidate) => candidate.productId === product.id)) perTicket.set(ticket.id, price)
    }
    const difference = tickets.reduce((sum, ticket) => sum + perTicket.get(ticket.id)! - ticket.price, 0)
    return { perTicket, difference, tickets: tickets.map((ticket) => ({ ticketId: ticket.id, price: ticket.price, newPrice: perTicket.get(ticket.id)! })) }
  }
}
