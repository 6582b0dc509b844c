import { createHash } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'
import { auditLog } from '#identity/audit/audit_log'
import { NotificationRejected, type ChannelEvent } from '#payments/channel'
import PaymentAccounts, { isChannelKind } from '#payments/services/payment_accounts'
import PaymentService from '#payments/services/payment_service'
import { runInTenant } from '#tenancy/services/tenant_database'

/**
 * A channel's asynchronous notification (支付/退款结果通知) for this venue. The raw body is what the
 * signature covers: it is verified as received, never re-serialised. Every notification is
 * recorded; a rejected one changes nothing, is audited, and is answered as a failure.
 */
export default class PaymentNotificationsController {
  async handle(ctx: HttpContext) {
    const tenant = ctx.tenant!
    const kind = ctx.params.channel
    if (!isChannelKind(kind)) return ctx.response.notFound('No such channel')
    const rawBody = ctx.request.raw() ?? ''
    const headers = Object.fromEntries(Object.entries(ctx.request.headers()).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]))

    let events: ChannelEvent[] = []
    let rejection: NotificationRejected | undefined
    const channel = await PaymentAccounts.for(tenant).channel(kind, { includeDisabled: true })
    try {
      events = await channel.readNotification({ headers, rawBody })
      await PaymentService.for(tenant).applyEvents(kind, events)
    } catch (error) {
      if (!(error instanceof NotificationRejected)) throw error
      rejection = error
    }

    await runInTenant(tenant, async (trx) => {
      await trx.table('payment_notifications').insert({
        channel: kind,
        accepted: !rejection,
        reason: rejection?.reason ?? null,
        detail: rejection?.message.slice(0, 300) ?? null,
        body_sha256: createHash('sha256').update(rawBody).digest('hex'),
        events: JSON.stringify(events.map(summary)),
      })
      if (rejection) {
        await auditLog.tenant(trx, {
          action: 'payment.notification_rejected',
          outcome: 'denied',
          subjectType: 'payment_channel',
          subjectId: kind,
          meta: { reason: rejection.reason, detail: rejection.message },
          actor: { type: 'anonymous' },
        })
      }
    })
    if (rejection) logger.warn({ tenant: tenant.slug, channel: kind, reason: rejection.reason }, 'payment notification rejected')

    const ack = channel.acknowledge(!rejection, rejection?.message)
    return ctx.response.status(ack.status).header('content-type', ack.contentType).send(ack.body)
  }
}

function summary(event: ChannelEvent) {
  return event.type === 'payment'
    ? { type: 'payment', outTradeNo: event.trade.outTradeNo, state: event.trade.state, amount: event.trade.amount }
    : { type: 'refund', outRefundNo: event.refund.outRefundNo, state: event.refund.state, amount: event.refund.amount }
}
