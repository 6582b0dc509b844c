import type { HttpContext } from '@adonisjs/core/http'
import { SessionsController } from '#identity/controllers/sessions_controller'
import { visitorRegistrationValidator } from '#identity/validators/visitor'
import VisitorAccounts from '#identity/services/visitor_accounts'

export default class VisitorSessionsController extends SessionsController {
  realm = 'visitor' as const

  /** A visitor creates an account at this venue and is signed in. */
  async register(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(visitorRegistrationValidator)
    const visitor = await VisitorAccounts.register(ctx.tenant!, input)
    const account = await this.login.complete(ctx, visitor)
    return ctx.response.created({ status: 'authenticated', account: this.present(account) })
  }
}
