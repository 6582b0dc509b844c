import type { HttpContext } from '@adonisjs/core/http'
import { invalid } from '#core/app_error'
import Checkout, { orderAccessToken } from '#orders/services/checkout'
import { signedInVisitor, visitorOrder } from '#orders/services/order_access'
import OrderDirectory from '#orders/services/order_directory'
import { quoteOrder } from '#orders/services/order_pricing'
import RefundService from '#orders/services/refund_service'
import ChangeService from '#orders/services/change_service'
import TicketService from '#tickets/services/ticket_service'
import type { Actor } from '#orders/services/order_events'
import PaymentService from '#payments/services/payment_service'
import {
  changeAskValidator,
  changeQuoteValidator,
  idempotencyKeyValidator,
  placeOrderValidator,
  quoteOrderValidator,
  refundAskValidator,
  refundQuoteValidator,
  startPaymentValidator,
} from '#orders/validators/order'

/** A visitor's orders (whose they are: order_access.ts). */
export default class VisitorOrdersController {
  async store(ctx: HttpContext) {
    const { key } = await idempotencyKeyValidator.validate({ key: ctx.request.header('idempotency-key') }).catch(() => {
      throw invalid('Idempotency-Key', 'Send an Idempotency-Key header (8 to 80 letters, digits, - _ : .) so a retried checkout never makes a second order', 'E_IDEMPOTENCY_KEY_REQUIRED')
    })
    const input = await ctx.request.validateUsing(placeOrderValidator)
    const visitor = await signedInVisitor(ctx)
    const actor: Actor = visitor ? { type: 'visitor', id: visitor.id } : { type: 'visitor' }
    const { order, replayed } = await Checkout.for(ctx.tenant!).place(input, { visitorId: visitor?.id ?? null, idempotencyKey: key, actor })
    const view = await OrderDirectory.for(ctx.tenant!).view(order, 'visitor')
    return ctx.response.status(replayed ? 200 : 201).send({ order: view, accessToken: orderAccessToken(ctx.tenant!, order.number) })
  }

  /** What the order would cost now (报价), priced as checkout prices it; nothing is held or taken. */
  async quote(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(quoteOrderValidator)
    const visitor = await signedInVisitor(ctx)
    return { quote: await quoteOrder(ctx.tenant!, input, visitor?.id ?? null) }
  }

  async index(ctx: HttpContext) {
    const visitor = ctx.auth.use('visitor').user!
    return { orders: await OrderDirectory.for(ctx.tenant!).visitorOrders(visitor.id) }
  }

  async show(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    return { order: await OrderDirectory.for(ctx.tenant!).view(order, 'visitor') }
  }

  /** The tickets to show at the gate (codes for the QR; they keep working offline once loaded). */
  async tickets(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    return { tickets: await TicketService.for(ctx.tenant!).ofOrder(order) }
  }

  async cancel(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    await PaymentService.for(ctx.tenant!).end(order, 'cancelled', await this.#actor(ctx))
    return { order: await OrderDirectory.for(ctx.tenant!).view(await OrderDirectory.for(ctx.tenant!).find(order.number), 'visitor') }
  }

  async pay(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    const input = await ctx.request.validateUsing(startPaymentValidator)
    const payment = await PaymentService.for(ctx.tenant!).start(order, await this.#paymentInput(ctx, order.number, input), await this.#actor(ctx))
    return ctx.response.created({ payment })
  }

  async refundQuote(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    const { ticketIds } = await refundQuoteValidator.validate(ctx.request.qs())
    return { quote: await RefundService.for(ctx.tenant!).quote(order, { ticketIds }) }
  }

  async refund(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    const ask = await ctx.request.validateUsing(refundAskValidator)
    const refund = await RefundService.for(ctx.tenant!).request(order, ask, await this.#actor(ctx))
    return ctx.response.created({ refund, order: await OrderDirectory.for(ctx.tenant!).view(await OrderDirectory.for(ctx.tenant!).find(order.number), 'visitor') })
  }

  async changeQuote(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    const ask = await changeQuoteValidator.validate(ctx.request.qs())
    const quote = await ChangeService.for(ctx.tenant!).quote(order, ask)
    return { quote: { difference: quote.difference, tickets: quote.tickets } }
  }

  async change(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    const ask = await ctx.request.validateUsing(changeAskValidator)
    const change = await ChangeService.for(ctx.tenant!).request(order, ask, await this.#actor(ctx))
    return ctx.response.created({ change, order: await OrderDirectory.for(ctx.tenant!).view(await OrderDirectory.for(ctx.tenant!).find(order.number), 'visitor') })
  }

  /** Pays the price difference of a change awaiting payment. */
  async payChange(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    const input = await ctx.request.validateUsing(startPaymentValidator)
    const payment = await PaymentService.for(ctx.tenant!).start(order, await this.#paymentInput(ctx, order.number, input), await this.#actor(ctx), Number(ctx.params.id))
    return ctx.response.created({ payment })
  }

  async #paymentInput(ctx: HttpContext, number: string, input: { channel: 'wechat_pay' | 'alipay' | 'unionpay'; method: string; returnPath?: string }) {
    const returnUrl = `${ctx.request.protocol()}://${ctx.request.host()}${input.returnPath ?? `${ctx.tenantBasePath}/orders/${number}`}`
    const payer = await signedInVisitor(ctx)
    return { channel: input.channel, method: input.method, payerVisitorId: payer?.id ?? null, clientIp: ctx.request.ip(), returnUrl }
  }

  async #actor(ctx: HttpContext): Promise<Actor> {
    const visitor = await signedInVisitor(ctx)
    return visitor ? { type: 'visitor', id: visitor.id } : { type: 'visitor' }
  }
}
