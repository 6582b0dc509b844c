import type { HttpContext } from '@adonisjs/core/http'
import { Outbox } from '#messaging/services/outbox'
import { messageSearchValidator } from '#messaging/validators/message_search'

/** The venue's outbox at the console: what was sent to whom, what failed, and resending. */
export default class MessagesController {
  async index(ctx: HttpContext) {
    const filters = await messageSearchValidator.validate(ctx.request.qs())
    return { messages: await Outbox.list(ctx.tenant!, filters) }
  }

  async resend(ctx: HttpContext) {
    return { message: await Outbox.resend(ctx.tenant!, Number(ctx.params.id)) }
  }
}
