/*
 * Finding orders and showing them: to their buyer (holders masked) or to staff (search by number,
 * phone, ID number, openid, status, channel, dates, requests awaiting review; holders' names in
 * full, ID numbers still masked; changes asked for).
 */
import { DateTime } from 'luxon'
import { notFound } from '#core/app_error'
import { idNumberHash } from '#inventory/services/real_name'
import Order from '#orders/models/order'
import { maskName, maskPhone } from '#orders/services/holder_identity'
import { orderTimeline } from '#orders/services/order_events'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export type Audience = 'visitor' | 'staff'

export interface OrderSearch {
  number?: string
  phone?: string
  idNumber?: string
  status?: string
  channel?: string
  /** The visitor's WeChat openid (at any of the venue's official accounts). */
  openid?: string
  /** Only orders with a refund or change (退改签) request waiting for staff. */
  awaitingReview?: boolean
  from?: Date
  to?: Date
  page?: number
  perPage?: number
}

export default class OrderDirectory {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new OrderDirectory(tenant)
  }

  async find(number: string, trx?: TenantTransaction): Promise<Order> {
    const lookup = (client: TenantTransaction) => Order.query({ client }).where('number', number).first()
    const order = trx ? await lookup(trx) : await runInTenant(this.tenant, lookup)
    if (!order) throw notFound('No such order', 'E_ORDER_NOT_FOUND')
    return order
  }

  /** The order as it is now (read again, so the order and its tickets come from one snapshot). */
  async view(order: Order, audience: Audience) {
    return runInTenant(
      this.tenant,
      async (trx) => this.#view(trx, await Order.query({ client: trx }).where('id', order.id).firstOrFail(), audience),
      { isolationLevel: 'repeatable read' }
    )
  }

  async visitorOrders(visitorId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const orders = await Order.query({ client: trx }).where('visitor_id', visitorId).orderBy('created_at', 'desc').limit(100)
      return Promise.all(orders.map((order) => this.#view(trx, order, 'visitor', false)))
    })
  }

  async search(filters: OrderSearch) {
    const page = filters.page ?? 1
    const perPage = filters.perPage ?? 20
    return runInTenant(this.tenant, async (trx) => {
      const query = Order.query({ client: trx }).orderBy('created_at', 'desc').orderBy('id', 'desc')
      if (filters.number) query.where('number', filters.number.toUpperCase())
      if (filters.phone) {
        query.where((where) =>
          where
            .where('contact_phone', filters.phone!)
            .orWhereIn('id', trx.from('order_tickets').where('holder_phone', filters.phone!).select('order_id'))
        )
      }
      if (filters.idNumber) {
        query.whereIn('id', trx.from('order_tickets').where('holder_id_hash', idNumberHash(this.tenant.id, filters.idNumber)).select('order_id'))
      }
      if (filters.status) query.where('status', filters.status)
      if (filters.openid) query.whereIn('visitor_id', trx.from('wechat_identities').where('openid', filters.openid).select('visitor_id'))
      if (filters.awaitingReview) {
        query.where((where) =>
          where
            .whereIn('id', trx.from('refunds').where('status', 'requested').select('order_id'))
            .orWhereIn('id', trx.from('order_changes').where('status', 'requested').select('order_id'))
        )
      }
      if (filters.channel) query.whereIn('id', trx.from('payments').where('channel', filters.channel).where('status', 'paid').select('order_id'))
      if (filters.from) query.where('created_at', '>=', DateTime.fromJSDate(filters.from).setZone('Asia/Shanghai', { keepLocalTime: true }).startOf('day').toJSDate())
      if (filters.to) query.where('created_at', '<', DateTime.fromJSDate(filters.to).setZone('Asia/Shanghai', { keepLocalTime: true }).plus({ days: 1 }).startOf('day').toJSDate())
      const result = await query.paginate(page, perPage)
      return {
        meta: { total: result.total, page, perPage },
        data: await Promise.all(result.all().map((order) => this.#view(trx, order, 'staff', false))),
      }
    })
  }

  async #view(trx: TenantTransaction, order: Order, audience: Audience, detailed = true) {
    const tickets = await trx
      .from('order_tickets as t')
      .join('products as p', 'p.id', 't.product_id')
      .join('sessions as s', 's.id', 't.session_id')
      .leftJoin('seats as seat', 'seat.id', 't.seat_id')
      .where('t.order_id', order.id)
      .orderBy('t.id')
      .select(
        't.id',
        't.status',
        't.price',
        't.holder_name',
        't.holder_id_masked',
        't.holder_phone',
        't.replaces_id',
        'p.id as product_id',
        'p.name as product_name',
        'p.kind as product_kind',
        's.id as session_id',
        's.name as session_name',
        's.starts_at',
        's.ends_at',
        'seat.section',
        'seat.row_label',
        'seat.seat_label'
      )
    const staff = audience === 'staff'
    const view: Record<string, unknown> = {
      number: order.number,
      status: order.status,
      currency: 'CNY',
      totalAmount: order.totalAmount,
      discountAmount: order.discountAmount ?? 0,
      couponCode: order.couponCode ?? null,
      paidAmount: order.paidAmount,
      refundedAmount: order.refundedAmount,
      salesChannel: order.salesChannel,
      createdAt: order.createdAt,
      expiresAt: order.expiresAt,
      paidAt: order.paidAt,
      contact: { name: order.contactName, phone: staff ? order.contactPhone : maskPhone(order.contactPhone) },
      tickets: tickets.map((row) => ({
        id: Number(row.id),
        status: row.status,
        price: row.price,
        replacesId: row.replaces_id ? Number(row.replaces_id) : null,
        product: { id: Number(row.product_id), name: row.product_name, kind: row.product_kind },
        session: { id: Number(row.session_id), name: row.session_name, startsAt: row.starts_at, endsAt: row.ends_at },
        seat: row.row_label ? { section: row.section, row: row.row_label, label: row.seat_label } : null,
        holder: row.holder_name
          ? { name: staff ? row.holder_name : maskName(row.holder_name), idMasked: row.holder_id_masked, phone: maskPhone(row.holder_phone) }
          : null,
      })),
    }
    if (!detailed) return view
    view.payments = (
      await trx.from('payments').where('order_id', order.id).orderBy('id').select('out_trade_no', 'channel', 'method', 'amount', 'status', 'surplus', 'paid_at', 'created_at', 'start')
    ).map((row) => ({
      outTradeNo: row.out_trade_no,
      channel: row.channel,
      method: row.method,
      amount: row.amount,
      status: row.status,
      surplus: row.surplus,
      paidAt: row.paid_at,
      createdAt: row.created_at,
      ...(row.status === 'pending' && !staff ? { start: row.start } : {}),
    }))
    view.refunds = (await trx.from('refunds').where('order_id', order.id).orderBy('id')).map((row) => ({
      id: Number(row.id),
      outRefundNo: row.out_refund_no,
      kind: row.kind,
      status: row.status,
      amount: row.amount,
      fee: row.fee,
      reason: row.reason,
      ticketIds: (row.ticket_ids ?? []).map(Number),
      ...(staff ? { requestedBy: row.requested_by, decidedBy: row.decided_by, overrideReason: row.override_reason } : {}),
      createdAt: row.created_at,
      completedAt: row.completed_at,
    }))
    if (staff) {
      view.changes = (await trx.from('order_changes').where('order_id', order.id).orderBy('id')).map((row) => ({
        id: Number(row.id),
        status: row.status,
        ticketIds: (row.ticket_ids ?? []).map(Number),
        toSessionId: Number(row.to_session_id),
        difference: row.difference,
        requestedBy: row.requested_by,
        decidedBy: row.decided_by,
        createdAt: row.created_at,
      }))
    }
    view.timeline = (await orderTimeline(trx, order.id)).map((event) => (staff ? event : { ...event, actorId: undefined }))
    return view
  }
}
