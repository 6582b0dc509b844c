import type { HttpContext } from '@adonisjs/core/http'
import Passes from '#members/services/passes'
import { passExtendValidator, passQueryValidator, passReasonValidator } from '#members/validators/pass'
import type { Actor } from '#orders/services/order_events'

const staff = (ctx: HttpContext): Actor => ({ type: 'staff', id: ctx.auth.user!.id as number })

/** Annual passes (年卡) for staff (console): search, detail with entries, and changes with a reason. */
export default class PassesController {
  async index(ctx: HttpContext) {
    const filters = await passQueryValidator.validate(ctx.request.qs())
    return { passes: await Passes.for(ctx.tenant!).list(filters) }
  }

  async show(ctx: HttpContext) {
    return { pass: await Passes.for(ctx.tenant!).show(Number(ctx.params.id)) }
  }

  async suspend(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(passReasonValidator)
    return { pass: await Passes.for(ctx.tenant!).suspend(Number(ctx.params.id), reason, staff(ctx)) }
  }

  async resume(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(passReasonValidator)
    return { pass: await Passes.for(ctx.tenant!).resume(Number(ctx.params.id), reason, staff(ctx)) }
  }

  async revoke(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(passReasonValidator)
    return { pass: await Passes.for(ctx.tenant!).revoke(Number(ctx.params.id), reason, staff(ctx)) }
  }

  async extend(ctx: HttpContext) {
    const { days, reason } = await ctx.request.validateUsing(passExtendValidator)
    return { pass: await Passes.for(ctx.tenant!).extend(Number(ctx.params.id), days, reason, staff(ctx)) }
  }
}
