/*
 * Sign-in endpoints, the same for every realm (platform staff, venue staff, visitors); each
 * surface's controller only names its realm.
 */
import type { HttpContext } from '@adonisjs/core/http'
import { LoginService } from '#identity/services/login_service'
import { codeValidator, loginValidator } from '#identity/validators/session'
import type { Account, RealmName } from '#identity/auth/realms'

export abstract class SessionsController {
  abstract realm: RealmName

  get login() {
    return LoginService.for(this.realm)
  }

  /** The account as the API shows it. */
  present(account: Account) {
    return { ...account.serialize(), twoFactorEnabled: account.hasTwoFactor }
  }

  async store(ctx: HttpContext) {
    const { email, password } = await ctx.request.validateUsing(loginValidator)
    const result = await this.login.withPassword(ctx, email, password)
    if (result.status === 'authenticated') return { status: result.status, account: this.present(result.account) }
    return result
  }

  async twoFactor(ctx: HttpContext) {
    const { code } = await ctx.request.validateUsing(codeValidator)
    const account = await this.login.withCode(ctx, code)
    return { status: 'authenticated', account: this.present(account) }
  }

  async show(ctx: HttpContext) {
    return { account: this.present(this.login.guard(ctx).getUserOrFail() as Account) }
  }

  async destroy(ctx: HttpContext) {
    await this.login.logout(ctx)
    return ctx.response.noContent()
  }

  async destroyEverywhere(ctx: HttpContext) {
    await this.login.logoutEverywhere(ctx, this.login.guard(ctx).getUserOrFail() as Account)
    return ctx.response.noContent()
  }

  async startTwoFactor(ctx: HttpContext) {
    return this.login.startEnrolment(ctx, this.login.guard(ctx).getUserOrFail() as Account)
  }

  async disableTwoFactor(ctx: HttpContext) {
    const { code } = await ctx.request.validateUsing(codeValidator)
    await this.login.disableTwoFactor(ctx, this.login.guard(ctx).getUserOrFail() as Account, code)
    return ctx.response.noContent()
  }
}
