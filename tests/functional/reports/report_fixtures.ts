/*
 * A venue with a day of trade for the reports tests: paid orders through each sandbox channel, a
 * free one, one with a coupon, an unpaid one, refunds (partial with a fee, full) and check-ins,
 * all through the real APIs. Sessions start this hour, so the gates are open (and refunds need
 * staff's override, which the tests use).
 */
import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import type { ChannelKind } from '#payments/channel'
import type Tenant from '#tenancy/models/tenant'
import type { Agent } from '#tests/helpers/agent'
import { consoleAgent } from '#tests/helpers/tenants'
import { commissionOf, planLimits } from '#platform/services/plans'
import { eventually, payableVenue, settle, startPayment, viewOrder } from '#tests/helpers/payments'

export const HOLDER_ID = '11010519491231002X'

export const today = () => DateTime.now().setZone('Asia/Shanghai').toISODate()!

export interface PlacedOrder {
  number: string
  accessToken: string
}

export async function placeOrder(
  client: ApiClient,
  tenant: Tenant,
  items: { productId: number; sessionId: number; quantity: number }[],
  extra: Record<string, unknown> = {}
): Promise<PlacedOrder> {
  const placed = await client
    .post(`/t/${tenant.slug}/api/orders`)
    .header('Idempotency-Key', randomUUID())
    .json({ items, contact: { name: '王五', phone: '13700001111' }, ...extra })
  placed.assertStatus(201)
  return { number: placed.body().order.number, accessToken: placed.body().accessToken }
}

export async function payOrder(client: ApiClient, tenant: Tenant, order: PlacedOrder, kind: ChannelKind) {
  const payment = await startPayment(client, tenant, order.number, order.accessToken, kind)
  await settle(kind, payment.merchantId, payment.outTradeNo)
  await eventually(() => viewOrder(client, tenant, order.number, order.accessToken), (o) => o.status === 'issued')
  return payment as { outTradeNo: string; merchantId: string }
}

export async function refundAndWait(client: ApiClient, owner: Agent, tenant: Tenant, order: PlacedOrder, ask: { ticketIds?: number[]; fee: number }) {
  const refunded = await owner.post(`/orders/${order.number}/refunds`, { reason: 'report test', ticketIds: ask.ticketIds, override: { fee: ask.fee, reason: 'Session already started' } })
  refunded.assertStatus(201)
  const outRefundNo = refunded.body().refund.outRefundNo as string
  await eventually(
    () => viewOrder(client, tenant, order.number, order.accessToken),
    (o) => o.refunds.some((r: any) => r.outRefundNo === outRefundNo && r.status === 'succeeded'),
    10_000
  )
  return outRefundNo
}

export async function ticketsOf(client: ApiClient, tenant: Tenant, order: PlacedOrder) {
  return (await client.get(`/t/${tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', order.accessToken)).body().tickets as any[]
}

/** The trading day: see the file's comment. Prices: A 80.00, B 50.00, C free. */
export async function tradingDay(client: ApiClient) {
  const sale = await payableVenue(['wechat_pay', 'alipay', 'unionpay'], {
    startsInHours: 0,
    quotas: [{ capacity: 40 }],
    products: [{ price: 8000 }, { price: 5000 }, { price: 0, kind: 'free' }],
  })
  const { tenant, session, site } = sale
  const [a, b, c] = sale.products.map((product) => product.id)
  const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, 'correct-horse-42')
  ;(await owner.post('/coupons', { name: 'Report test', kind: 'amount_off', value: 333, code: 'SAVE333', usesPerCode: 5 })).assertStatus(201)

  const item = (productId: number, quantity: number) => ({ productId, sessionId: session.id, quantity })
  const wechat = await placeOrder(client, tenant, [item(a, 2)], {
    contact: { name: '=1+2', phone: '13700001111' },
    holders: [{ item: 0, name: '@SUM(A1)', idNumber: HOLDER_ID }],
  })
  const alipay = await placeOrder(client, tenant, [item(a, 2), item(b, 1)], { couponCode: 'SAVE333' })
  const unionpay = await placeOrder(client, tenant, [item(b, 2)])
  const free = await placeOrder(client, tenant, [item(c, 1)])
  const unpaid = await placeOrder(client, tenant, [item(a, 1)])
  const payments = {
    wechat: await payOrder(client, tenant, wechat, 'wechat_pay'),
    alipay: await payOrder(client, tenant, alipay, 'alipay'),
    unionpay: await payOrder(client, tenant, unionpay, 'unionpay'),
  }
  // Partial refund of one 80.00 ticket keeping 10.00; full refund of the UnionPay order.
  const wechatTickets = await ticketsOf(client, tenant, wechat)
  const refunds = {
    partial: await refundAndWait(client, owner, tenant, wechat, { ticketIds: [wechatTickets[1].id], fee: 1000 }),
    full: await refundAndWait(client, owner, tenant, unionpay, { fee: 0 }),
  }
  // Check-ins (核销) of the first WeChat ticket and the free ticket at the console.
  const freeTickets = await ticketsOf(client, tenant, free)
  for (const ticket of [wechatTickets[0], freeTickets[0]]) {
    const scanned = await owner.post('/checkins', { code: ticket.code, method: 'qr', nonce: randomUUID(), siteId: site.id })
    scanned.assertStatus(200)
    if (scanned.body().answer.result !== 'admitted') throw new Error(`scan not admitted: ${JSON.stringify(scanned.body())}`)
  }
  return { ...sale, owner, orders: { wechat, alipay, unionpay, free, unpaid }, payments, refunds, products: { a, b, c } }
}

/** Every row of a tenant table. */
export function rows(tenant: Tenant, table: string) {
  return db.from(`${tenant.schemaName}.${table}`).select('*')
}

/** Runs `work` with the venue on a plan taking `commissionBp` (平台佣金), then puts it back on no plan. */
export async function onCommissionPlan<T>(tenant: Tenant, commissionBp: number, work: () => Promise<T>): Promise<T> {
  const [plan] = await db
    .table('plans')
    .insert({ name: `Commission ${tenant.slug}`, commission_bp: commissionBp, created_at: new Date(), updated_at: new Date() })
    .returning('id')
  await db.from('tenants').where('id', tenant.id).update({ plan_id: plan.id })
  planLimits.forget(tenant.id)
  try {
    return await work()
  } finally {
    await db.from('tenants').where('id', tenant.id).update({ plan_id: null })
    await db.from('plans').where('id', plan.id).delete()
    planLimits.forget(tenant.id)
  }
}

/**
 * The commission of each payment channel, straight from the tables: each paid order at the
 * channel of the payment that paid it, commissionOf its total (rounded per order).
 */
export async function commissionByChannel(tenant: Tenant, commissionBp: number) {
  const payments = (await rows(tenant, 'payments')).filter((payment) => payment.status === 'paid' && !payment.surplus && !payment.change_id)
  const byChannel: Record<string, number> = {}
  for (const order of (await rows(tenant, 'orders')).filter((row) => row.paid_at)) {
    const channel = payments.find((payment) => payment.order_id === order.id)?.channel ?? 'free'
    byChannel[channel] = (byChannel[channel] ?? 0) + commissionOf(order.total_amount, commissionBp)
  }
  return byChannel
}
