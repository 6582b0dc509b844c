import type { HttpContext } from '@adonisjs/core/http'
import { notFound } from '#core/app_error'
import PaymentAccounts, { isChannelKind } from '#payments/services/payment_accounts'
import { accountValidators } from '#payments/validators/payment_account'

function channelOf(ctx: HttpContext) {
  const channel = ctx.params.channel
  if (!isChannelKind(channel)) throw notFound('No such payment channel: wechat_pay, alipay or unionpay', 'E_CHANNEL_NOT_FOUND')
  return channel
}

/** The venue's merchant accounts. Secrets go in, never out. */
export default class PaymentAccountsController {
  async index(ctx: HttpContext) {
    return { accounts: await PaymentAccounts.for(ctx.tenant!).list() }
  }

  async show(ctx: HttpContext) {
    return { account: await PaymentAccounts.for(ctx.tenant!).show(channelOf(ctx)) }
  }

  async update(ctx: HttpContext) {
    const channel = channelOf(ctx)
    const input = await ctx.request.validateUsing(accountValidators[channel] as (typeof accountValidators)['alipay'])
    return { account: await PaymentAccounts.for(ctx.tenant!).save(channel, input) }
  }

  async test(ctx: HttpContext) {
    return { account: await PaymentAccounts.for(ctx.tenant!).test(channelOf(ctx)) }
  }
}
