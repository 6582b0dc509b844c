import type { HttpContext } from '@adonisjs/core/http'
import OrderDirectory from '#orders/services/order_directory'
import RefundService from '#orders/services/refund_service'
import ChangeService from '#orders/services/change_service'
import TicketService from '#tickets/services/ticket_service'
import type { Actor } from '#orders/services/order_events'
import PaymentService from '#payments/services/payment_service'
import { changeAskValidator, orderSearchValidator, rejectRefundValidator, staffRefundValidator } from '#orders/validators/order'

const staffActor = (ctx: HttpContext): Actor => ({ type: 'staff', id: ctx.auth.user?.id as number })

/** Orders at the venue console: search, detail with timeline, refunds (退票) and changes (改签) and their approval. */
export default class ConsoleOrdersController {
  async index(ctx: HttpContext) {
    const filters = await orderSearchValidator.validate(ctx.request.qs())
    return OrderDirectory.for(ctx.tenant!).search(filters)
  }

  async show(ctx: HttpContext) {
    const directory = OrderDirectory.for(ctx.tenant!)
    return { order: await directory.view(await directory.find(String(ctx.params.number)), 'staff') }
  }

  async cancel(ctx: HttpContext) {
    const directory = OrderDirectory.for(ctx.tenant!)
    const order = await directory.find(String(ctx.params.number))
    await PaymentService.for(ctx.tenant!).end(order, 'cancelled', staffActor(ctx))
    return { order: await directory.view(await directory.find(order.number), 'staff') }
  }

  async refund(ctx: HttpContext) {
    const directory = OrderDirectory.for(ctx.tenant!)
    const order = await directory.find(String(ctx.params.number))
    const ask = await ctx.request.validateUsing(staffRefundValidator)
    const refund = await RefundService.for(ctx.tenant!).staffRefund(order, ask, staffActor(ctx))
    return ctx.response.created({ refund, order: await directory.view(await directory.find(order.number), 'staff') })
  }

  async change(ctx: HttpContext) {
    const directory = OrderDirectory.for(ctx.tenant!)
    const order = await directory.find(String(ctx.params.number))
    const ask = await ctx.request.validateUsing(changeAskValidator)
    const change = await ChangeService.for(ctx.tenant!).request(order, ask, staffActor(ctx))
    return ctx.response.created({ change, order: await directory.view(await directory.find(order.number), 'staff') })
  }

  async approveChange(ctx: HttpContext) {
    return { change: await ChangeService.for(ctx.tenant!).approve(Number(ctx.params.id), staffActor(ctx)) }
  }

  async rejectChange(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(rejectRefundValidator)
    return { change: await ChangeService.for(ctx.tenant!).reject(Number(ctx.params.id), staffActor(ctx), reason) }
  }

  /** A new code for a ticket (its old QR stops working everywhere). */
  async reissueTicket(ctx: HttpContext) {
    return { ticket: await TicketService.for(ctx.tenant!).reissue(Number(ctx.params.id), staffActor(ctx)) }
  }

  async approveRefund(ctx: HttpContext) {
    return { refund: await RefundService.for(ctx.tenant!).approve(Number(ctx.params.id), staffActor(ctx)) }
  }

  async retryRefund(ctx: HttpContext) {
    return { refund: await RefundService.for(ctx.tenant!).retry(Number(ctx.params.id), staffActor(ctx)) }
  }

  async rejectRefund(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(rejectRefundValidator)
    return { refund: await RefundService.for(ctx.tenant!).reject(Number(ctx.params.id), staffActor(ctx), reason) }
  }
}
