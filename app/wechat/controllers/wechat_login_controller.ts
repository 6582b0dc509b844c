import type { HttpContext } from '@adonisjs/core/http'
import { errors } from '@vinejs/vine'
import { invalid } from '#core/app_error'
import WechatLogin from '#wechat/services/wechat_login'
import { wechatCallbackValidator, wechatLoginValidator } from '#wechat/validators/visitor_login'

/**
 * The query of a page a browser opens (not an API call), validated: a bad one is answered 422
 * with its field, never by Adonis's HTML habit of redirecting back (to WeChat's page).
 */
async function query<T>(ctx: HttpContext, validator: { validate(data: unknown): Promise<T> }): Promise<T> {
  try {
    return await validator.validate(ctx.request.qs())
  } catch (error) {
    if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
    const [first] = error.messages as { field: string; message: string }[]
    throw invalid(first.field, first.message, 'E_VALIDATION_ERROR')
  }
}

/** Visitors signing in with WeChat: off to WeChat's authorize page, and back. */
export default class WechatLoginController {
  async start(ctx: HttpContext) {
    const input = await query(ctx, wechatLoginValidator)
    return ctx.response.redirect(await WechatLogin.for(ctx.tenant!).start(ctx, input))
  }

  async callback(ctx: HttpContext) {
    const input = await query(ctx, wechatCallbackValidator)
    return ctx.response.redirect(await WechatLogin.for(ctx.tenant!).finish(ctx, input))
  }
}
