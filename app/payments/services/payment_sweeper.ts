/*
 * The payments' safety net, over every venue (suspended ones too: money still moves): orders past
 * their time are closed at the channel and ended, payments whose notification is late are
 * queried, refunds without a final answer are asked about (or sent again).
 */
import logger from '@adonisjs/core/services/logger'
import { repeatEvery } from '#core/repeat'
import RefundService from '#orders/services/refund_service'
import PaymentService from '#payments/services/payment_service'
import { eachTenant } from '#tenancy/services/each_tenant'

export async function sweepPayments(options: { all?: boolean } = {}) {
  const outcomes = await eachTenant(
    async (tenant) => {
      const payments = PaymentService.for(tenant)
      const expired = await payments.expireOverdue()
      const queried = await payments.queryDue(options)
      const refunds = await RefundService.for(tenant).queryDue(options)
      return { expired, queried, refunds }
    },
    { onOutcome: ({ tenant, error }) => error && logger.error({ err: error, tenant: tenant.slug }, 'payment sweep failed for this venue') }
  )
  const sum = (key: 'expired' | 'queried' | 'refunds') => outcomes.reduce((total, outcome) => total + (outcome.result?.[key] ?? 0), 0)
  return { tenants: outcomes.length, expired: sum('expired'), queried: sum('queried'), refunds: sum('refunds') }
}

export function startPaymentSweeper(intervalMs = 15_000) {
  return repeatEvery(intervalMs, 'payment sweep', () => sweepPayments())
}
