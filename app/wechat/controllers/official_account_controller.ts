import type { HttpContext } from '@adonisjs/core/http'
import OfficialAccounts from '#wechat/services/official_accounts'
import { officialAccountValidator } from '#wechat/validators/official_account'

/** The venue's official account credentials (console). Secrets go in, never out. */
export default class OfficialAccountController {
  async show(ctx: HttpContext) {
    return OfficialAccounts.for(ctx.tenant!).show()
  }

  async update(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(officialAccountValidator)
    return { account: await OfficialAccounts.for(ctx.tenant!).save(input) }
  }

  async test(ctx: HttpContext) {
    return { account: await OfficialAccounts.for(ctx.tenant!).test() }
  }
}
