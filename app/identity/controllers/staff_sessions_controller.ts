import type { HttpContext } from '@adonisjs/core/http'
import { SessionsController } from '#identity/controllers/sessions_controller'
import { VENUE_PERMISSIONS } from '#identity/authz/permissions'
import { accountHolds } from '#identity/middleware/authorize_middleware'
import type { Account } from '#identity/auth/realms'

export default class StaffSessionsController extends SessionsController {
  realm = 'staff' as const

  /**
   * The signed-in member, what they may do at this venue (the console shows only that; the
   * routes refuse the rest anyway) and the venue's state (not open: the console is read-only).
   */
  async show(ctx: HttpContext) {
    const account = this.login.guard(ctx).getUserOrFail() as Account
    const names = Object.keys(VENUE_PERMISSIONS)
    const held = await Promise.all(names.map((permission) => accountHolds(ctx, permission)))
    const tenant = ctx.tenant!
    return {
      account: this.present(account),
      permissions: names.filter((_, index) => held[index]),
      venue: { name: tenant.name, slug: tenant.slug, status: tenant.status, readOnly: !tenant.isOpen },
    }
  }
}
