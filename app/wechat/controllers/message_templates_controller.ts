import type { HttpContext } from '@adonisjs/core/http'
import MessageTemplates from '#wechat/services/template_messages'
import { messageTemplatesValidator } from '#wechat/validators/message_templates'

/** Which template message each event sends, and what was sent (console). */
export default class MessageTemplatesController {
  async show(ctx: HttpContext) {
    return MessageTemplates.for(ctx.tenant!).show()
  }

  async update(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(messageTemplatesValidator)
    return MessageTemplates.for(ctx.tenant!).save(input)
  }

  async sends(ctx: HttpContext) {
    return { sends: await MessageTemplates.for(ctx.tenant!).sends() }
  }
}
