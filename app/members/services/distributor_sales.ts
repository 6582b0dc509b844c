/*
 * What a distributor does through its signed API (docs/distributors.md): sees the products it may
 * sell with their settlement prices and places left (the same quotas as every channel), places
 * orders on credit (idempotent by its own order number; priced at the settlement price, which
 * must not be above the day's sale price; paid from its deposit in the order's transaction, so a
 * short deposit leaves no order, no hold and no debit), looks them up with their ticket codes and
 * check-ins, and refunds them under the product's rules (the deposit gets back the settlement
 * price less the rules' fee).
 */
import { AppError, invalid, notFound } from '#core/app_error'
import Product from '#catalog/models/product'
import Site from '#catalog/models/site'
import { loadPriceCalendar } from '#catalog/services/price_calendar'
import Availability from '#inventory/services/availability'
import Order from '#orders/models/order'
import Checkout, { type CheckoutInput } from '#orders/services/checkout'
import OrderDirectory from '#orders/services/order_directory'
import RefundService, { type RefundAsk } from '#orders/services/refund_service'
import type { Actor } from '#orders/services/order_events'
import TicketService from '#tickets/services/ticket_service'
import { debitOrder } from '#members/services/distributor_deposits'
import type { Distributor } from '#members/services/distributors'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface DistributorOrderInput extends Pick<CheckoutInput, 'items' | 'holders' | 'contact'> {
  /** The distributor's own order number: the same number is the same order. */
  orderNo: string
}

const notAuthorised = (field: string) => invalid(field, 'This product is not authorised for you', 'E_PRODUCT_NOT_AUTHORISED')

export default class DistributorSales {
  constructor(
    readonly tenant: Tenant,
    readonly distributor: Distributor
  ) {}

  static for(tenant: Tenant, distributor: Distributor) {
    return new DistributorSales(tenant, distributor)
  }

  get #actor(): Actor {
    return { type: 'distributor', id: this.distributor.id }
  }

  async account() {
    return runInTenant(this.tenant, async (trx) => {
      const row = await trx.from('distributors').where('id', this.distributor.id).select('name', 'status', 'balance').firstOrFail()
      return { name: row.name, status: row.status, balance: Number(row.balance), currency: 'CNY' }
    })
  }

  /** The products it may sell now, with their settlement prices and refund rules. */
  async products() {
    return runInTenant(this.tenant, async (trx) => {
      const rows = await trx
        .from('distributor_products as dp')
        .join('products as p', 'p.id', 'dp.product_id')
        .where('dp.distributor_id', this.distributor.id)
        .where('p.status', 'on_sale')
        .orderBy('p.id')
        .select('p.*', 'dp.settlement_price')
      return rows.map((row) => ({
        id: Number(row.id),
        name: row.name,
        kind: row.kind,
        siteId: Number(row.site_id),
        basePrice: row.base_price,
        settlementPrice: row.settlement_price,
        minPerOrder: row.min_per_order,
        maxPerOrder: row.max_per_order,
        realNameRequired: row.real_name_required,
        refundable: row.refundable,
        refundTiers: row.refund_tiers,
      }))
    })
  }

  /** A product's open sessions between two local dates: places left, the sale price and whether it may be sold at the settlement price. */
  async sessions(productId: number, from: string, to: string) {
    const { product, settlementPrice, site } = await runInTenant(this.tenant, async (trx) => {
      const settlement = await this.#settlement(trx, [productId])
      if (!settlement.has(productId)) throw notFound('This product is not authorised for you', 'E_PRODUCT_NOT_AUTHORISED')
      const found = await Product.findOrFail(productId, { client: trx })
      return { product: found, settlementPrice: settlement.get(productId)!, site: await Site.findOrFail(found.siteId, { client: trx }) }
    })
    const sessions = await Availability.sessions(this.tenant, productId, from, to)
    const calendar = await runInTenant(this.tenant, (trx) => loadPriceCalendar(trx, product, from, to))
    return sessions.map((session) => {
      const price = calendar.quote(session.date, { sessionId: Number(session.id) }).price
      return {
        ...session,
        id: Number(session.id),
        timezone: site.timezone,
        salePrice: price,
        settlementPrice,
        sellable: session.remaining > 0 && settlementPrice <= price,
      }
    })
  }

  /** Places (or answers again) the order with this distributor order number. */
  async placeOrder(input: DistributorOrderInput) {
    const { orderNo, ...request } = input
    try {
      const { order, replayed } = await Checkout.for(this.tenant).place(request, {
        visitorId: null,
        idempotencyKey: `d${this.distributor.id}:${orderNo}`,
        salesChannel: 'distributor',
        actor: this.#actor,
        onCredit: {
          prices: (trx, items, calendar) => this.#settlementPrices(trx, items, calendar),
          settle: (trx, placed) => debitOrder(trx, this.distributor.id, placed, orderNo),
        },
      })
      return { order: await this.view(order, orderNo), replayed }
    } catch (error) {
      if (error instanceof AppError && error.code === 'E_IDEMPOTENCY_KEY_REUSED') {
        throw new AppError('This order number was already used for a different order', { status: 409, code: 'E_ORDER_NO_REUSED', field: 'orderNo' })
      }
      throw error
    }
  }

  async order(orderNo: string) {
    return this.view(await this.#find(orderNo), orderNo)
  }

  /** Refunds tickets of an order (all its valid ones when none are named) under the product's rules. */
  async refund(orderNo: string, ask: RefundAsk) {
    const order = await this.#find(orderNo)
    const refund = await RefundService.for(this.tenant).request(order, ask, this.#actor)
    const { balance } = await this.account()
    return {
      refund: { id: refund.id, outRefundNo: refund.outRefundNo, status: refund.status, amount: refund.amount, fee: refund.fee, ticketIds: refund.ticketIds },
      balance,
      order: await this.view(order, orderNo),
    }
  }

  /** The order as the distributor sees it: status, amounts (settlement), tickets with their codes, check-ins. */
  async view(order: Order, orderNo: string) {
    const { payments, contact, ...view } = (await OrderDirectory.for(this.tenant).view(order, 'visitor')) as Record<string, any>
    const codes = new Map((await TicketService.for(this.tenant).ofOrder(order)).map((ticket) => [ticket.id, ticket]))
    const checkins = await runInTenant(this.tenant, (trx) =>
      trx
        .from('checkins as c')
        .join('sites as s', 's.id', 'c.site_id')
        .where('c.order_id', order.id)
        .whereIn('c.result', ['admitted', 'exited'])
        .orderBy('c.id')
        .select('c.ticket_id', 'c.direction', 'c.people', 'c.method', 'c.occurred_at', 's.name as site')
    )
    return {
      ...view,
      distributorOrderNo: orderNo,
      tickets: view.tickets.map((ticket: any) => {
        const issued = codes.get(ticket.id)
        return { ...ticket, code: issued?.code ?? null, window: issued?.window ?? null, entriesLeft: issued?.entriesLeft ?? null }
      }),
      checkins: checkins.map((row) => ({
        ticketId: Number(row.ticket_id),
        direction: row.direction,
        people: row.people,
        method: row.method,
        site: row.site,
        at: row.occurred_at,
      })),
    }
  }

  async #find(orderNo: string) {
    const order = await runInTenant(this.tenant, (trx) =>
      Order.query({ client: trx })
        .whereIn('id', trx.from('distributor_orders').where({ distributor_id: this.distributor.id, external_no: orderNo }).select('order_id'))
        .first()
    )
    if (!order) throw notFound('No order with this order number', 'E_ORDER_NOT_FOUND')
    return order
  }

  async #settlement(trx: TenantTransaction, productIds: number[]) {
    const rows = await trx.from('distributor_products').where('distributor_id', this.distributor.id).whereIn('product_id', productIds)
    return new Map<number, number>(rows.map((row) => [Number(row.product_id), row.settlement_price]))
  }

  /** Each item at its settlement price, checked against the sale price of its session's day (in the order's transaction). */
  async #settlementPrices(trx: TenantTransaction, items: CheckoutInput['items'], calendar: number[]) {
    const settlement = await this.#settlement(trx, [...new Set(items.map((item) => item.productId))])
    return items.map((item, index) => {
      const price = settlement.get(item.productId)
      if (price === undefined) throw notAuthorised(`items.${index}.productId`)
      if (price > calendar[index]) {
        throw new AppError(
          `The sale price for this session (${calendar[index]} fen) is below your settlement price (${price} fen): it cannot be sold through distribution`,
          { status: 422, code: 'E_SETTLEMENT_ABOVE_PRICE', field: `items.${index}`, meta: { salePrice: calendar[index], settlementPrice: price } }
        )
      }
      return price
    })
  }
}
