import type { HttpContext } from '@adonisjs/core/http'
import { SessionsController } from '#identity/controllers/sessions_controller'
import PhoneLogin from '#wechat/services/phone_login'
import { phoneCodeValidator, phoneLoginValidator } from '#wechat/validators/visitor_login'

/** Visitors outside WeChat sign in with a code sent to their phone. */
export default class PhoneLoginController extends SessionsController {
  realm = 'visitor' as const

  async sendCode(ctx: HttpContext) {
    const { phone } = await ctx.request.validateUsing(phoneCodeValidator)
    return ctx.response.accepted(await PhoneLogin.for(ctx.tenant!).sendCode(ctx, phone))
  }

  async verifyCode(ctx: HttpContext) {
    const { phone, code } = await ctx.request.validateUsing(phoneLoginValidator)
    const account = await PhoneLogin.for(ctx.tenant!).login(ctx, phone, code)
    return { status: 'authenticated', account: this.present(account) }
  }
}
