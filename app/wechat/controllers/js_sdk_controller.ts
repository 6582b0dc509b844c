import type { HttpContext } from '@adonisjs/core/http'
import { jsSdkConfig } from '#wechat/services/js_sdk'
import { jsSdkConfigValidator } from '#wechat/validators/js_sdk'

/** wx.config for a visitor page inside WeChat. */
export default class JsSdkController {
  async config(ctx: HttpContext) {
    const { url } = await ctx.request.validateUsing(jsSdkConfigValidator)
    return jsSdkConfig(ctx.tenant!, url)
  }
}
