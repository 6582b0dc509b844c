import type { HttpContext } from '@adonisjs/core/http'
import { currentActor } from '#identity/audit/audit_log'
import type { ChannelKind } from '#payments/channel'
import Settlements from '#reports/services/settlements'
import { confirmSettlementValidator, settlementListValidator } from '#reports/validators/report'

/** Daily settlement per channel (对账): the channel's bill against what Tessera recorded. */
export default class SettlementsController {
  async index(ctx: HttpContext) {
    const { from, to, channel } = await settlementListValidator.validate(ctx.request.qs())
    return Settlements.for(ctx.tenant!).list(from, to, channel)
  }

  async show(ctx: HttpContext) {
    return { settlement: await Settlements.for(ctx.tenant!).show(ctx.params.channel as ChannelKind, String(ctx.params.date)) }
  }

  /** Fetches the bill (again) and reconciles the day now. */
  async fetch(ctx: HttpContext) {
    return { settlement: await Settlements.for(ctx.tenant!).fetch(ctx.params.channel as ChannelKind, String(ctx.params.date)) }
  }

  async confirm(ctx: HttpContext) {
    const { note } = await ctx.request.validateUsing(confirmSettlementValidator)
    return { settlement: await Settlements.for(ctx.tenant!).confirm(ctx.params.channel as ChannelKind, String(ctx.params.date), note, currentActor(ctx)) }
  }
}
