import type { HttpContext } from '@adonisjs/core/http'
import AutoReplies from '#wechat/services/auto_replies'
import { autoRepliesValidator } from '#wechat/validators/auto_replies'

/** The account's welcome text and keyword replies (console). */
export default class AutoRepliesController {
  async show(ctx: HttpContext) {
    return { replies: await AutoReplies.for(ctx.tenant!).show() }
  }

  async update(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(autoRepliesValidator)
    return { replies: await AutoReplies.for(ctx.tenant!).save(input) }
  }
}
