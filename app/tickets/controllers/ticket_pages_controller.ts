import type { HttpContext } from '@adonisjs/core/http'
import { notFound } from '#core/app_error'
import { visitorOrder } from '#orders/services/order_access'
import TicketService from '#tickets/services/ticket_service'
import { ticketPage, ticketQrPng } from '#tickets/services/ticket_page'

/** The visitor's e-tickets: the page to show at the gate, and each QR code as a PNG. */
export default class TicketPagesController {
  async show(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    const tickets = await TicketService.for(ctx.tenant!).ofOrder(order)
    const token = ctx.request.qs().token
    const html = await ticketPage({
      venue: ctx.tenant!.name,
      number: order.number,
      orderStatus: order.status,
      tickets,
      pngUrl: (id) => `${ctx.tenantBasePath}/api/orders/${order.number}/tickets/${id}/qr.png${token ? `?token=${encodeURIComponent(token)}` : ''}`,
    })
    return ctx.response.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'private, no-store').send(html)
  }

  async png(ctx: HttpContext) {
    const order = await visitorOrder(ctx)
    const ticket = (await TicketService.for(ctx.tenant!).ofOrder(order)).find((candidate) => candidate.id === Number(ctx.params.id))
    if (!ticket?.code) throw notFound('No such ticket with a code in this order', 'E_TICKET_NOT_FOUND')
    return ctx.response
      .header('content-type', 'image/png')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `inline; filename="ticket-${ticket.id}.png"`)
      .send(await ticketQrPng(ticket.code))
  }
}
