import type { HttpContext } from '@adonisjs/core/http'
import Members from '#members/services/members'
import MemberTiers from '#members/services/member_tiers'
import type { Actor } from '#orders/services/order_events'
import {
  adjustPointsValidator,
  cancelMemberValidator,
  extendMemberValidator,
  grantMemberValidator,
  memberSearchValidator,
  pointsSettingsValidator,
  tierValidator,
} from '#members/validators/member'

const staff = (ctx: HttpContext): Actor => ({ type: 'staff', id: ctx.auth.user!.id as number })

/** The venue's member tiers, points settings and members (console). */
export default class MembersController {
  async tiers(ctx: HttpContext) {
    return { tiers: await MemberTiers.for(ctx.tenant!).list() }
  }

  async createTier(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(tierValidator)
    return ctx.response.created({ tier: await MemberTiers.for(ctx.tenant!).create(input) })
  }

  async updateTier(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(tierValidator)
    return { tier: await MemberTiers.for(ctx.tenant!).update(Number(ctx.params.id), input) }
  }

  async deleteTier(ctx: HttpContext) {
    await MemberTiers.for(ctx.tenant!).remove(Number(ctx.params.id))
    return ctx.response.noContent()
  }

  async settings(ctx: HttpContext) {
    return { settings: await MemberTiers.for(ctx.tenant!).settings() }
  }

  async updateSettings(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(pointsSettingsValidator)
    return { settings: await MemberTiers.for(ctx.tenant!).updateSettings(input) }
  }

  async index(ctx: HttpContext) {
    const filters = await memberSearchValidator.validate(ctx.request.qs())
    return Members.for(ctx.tenant!).search(filters)
  }

  async show(ctx: HttpContext) {
    return Members.for(ctx.tenant!).detail(Number(ctx.params.id))
  }

  async grant(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(grantMemberValidator)
    return ctx.response.created({ member: await Members.for(ctx.tenant!).grant(input, staff(ctx)) })
  }

  async extend(ctx: HttpContext) {
    const { days, note } = await ctx.request.validateUsing(extendMemberValidator)
    return { member: await Members.for(ctx.tenant!).extend(Number(ctx.params.id), days, note) }
  }

  async cancel(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(cancelMemberValidator)
    return { member: await Members.for(ctx.tenant!).cancel(Number(ctx.params.id), reason) }
  }

  async adjustPoints(ctx: HttpContext) {
    const { delta, reason } = await ctx.request.validateUsing(adjustPointsValidator)
    return { member: await Members.for(ctx.tenant!).adjustPoints(Number(ctx.params.id), delta, reason, staff(ctx)) }
  }
}
