import type { HttpContext } from '@adonisjs/core/http'
import { invalid } from '#core/app_error'
import BoxOffice from '#orders/services/box_office'
import OrderDirectory from '#orders/services/order_directory'
import TicketService from '#tickets/services/ticket_service'
import { boxOfficeKeyValidator, boxOfficeOrderValidator, boxOfficePaymentValidator } from '#orders/validators/box_office'

const staffId = (ctx: HttpContext) => ctx.auth.user!.id as number

/** Selling at the box office (售票窗口): the order, the QR code the buyer scans, the tickets to print. */
export default class BoxOfficeController {
  async store(ctx: HttpContext) {
    const { key } = await boxOfficeKeyValidator.validate({ key: ctx.request.header('idempotency-key') }).catch(() => {
      throw invalid('Idempotency-Key', 'Send an Idempotency-Key header (8 to 64 letters, digits, - _ : .) so a retried sale never makes a second order', 'E_IDEMPOTENCY_KEY_REQUIRED')
    })
    const sale = await ctx.request.validateUsing(boxOfficeOrderValidator)
    const { order, replayed } = await BoxOffice.for(ctx.tenant!).sell(sale, staffId(ctx), key)
    return ctx.response.status(replayed ? 200 : 201).send({ order: await OrderDirectory.for(ctx.tenant!).view(order, 'staff') })
  }

  async pay(ctx: HttpContext) {
    const order = await OrderDirectory.for(ctx.tenant!).find(String(ctx.params.number))
    const ask = await ctx.request.validateUsing(boxOfficePaymentValidator)
    const payment = await BoxOffice.for(ctx.tenant!).showQr(order, ask, staffId(ctx), ctx.request.ip())
    return ctx.response.created({ payment })
  }

  /** The tickets with their codes, to show or print for the buyer. */
  async tickets(ctx: HttpContext) {
    const order = await OrderDirectory.for(ctx.tenant!).find(String(ctx.params.number))
    return { tickets: await TicketService.for(ctx.tenant!).ofOrder(order) }
  }
}
