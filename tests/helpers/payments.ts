/*
 * Paying through the sandbox the way a visitor does: place an order, start a payment, open what
 * the channel gave (QR link, redirect, form), and press the cashier's button (the sandbox's control
 * API, with faults when a test wants them). Notifications then arrive over HTTP on their own.
 */
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import type { ChannelKind, PaymentStart } from '#payments/channel'
import type { NotificationFaults } from '#sandbox/notifier'
import { connectSandboxMerchants } from '#sandbox/sandbox_merchants'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale, type SaleOptions } from '#tests/helpers/catalog'
import type Tenant from '#tenancy/models/tenant'

export const SANDBOX_GATEWAY: Record<ChannelKind, 'wechatpay' | 'alipay' | 'unionpay'> = { wechat_pay: 'wechatpay', alipay: 'alipay', unionpay: 'unionpay' }

/** The method each channel is tested with: one a test can open without a WeChat client. */
export const TEST_METHOD: Record<ChannelKind, string> = { wechat_pay: 'native', alipay: 'precreate', unionpay: 'front' }

export const sandboxUrl = () => process.env.SANDBOX_URL!

export async function sandboxPost(path: string, body: unknown) {
  const response = await fetch(`${sandboxUrl()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

/** A venue selling one product in one session, with sandbox merchant accounts. */
export async function payableVenue(kinds: ChannelKind[], sale: SaleOptions = {}) {
  const { tenant } = await createTenant()
  const seeded = await seedSale(tenant, sale)
  await connectSandboxMerchants(tenant, { kinds })
  return { tenant, ...seeded }
}

let keys = 0

export async function placeOrder(client: ApiClient, tenant: Tenant, items: { productId: number; sessionId: number; quantity: number }[]) {
  const response = await client
    .post(`/t/${tenant.slug}/api/orders`)
    .header('Idempotency-Key', `test-order-${process.pid}-${++keys}-${Date.now()}`)
    .json({ items, contact: { name: '王五', phone: '13700001111' } })
  response.assertStatus(201)
  return response.body() as { order: any; accessToken: string }
}

export async function viewOrder(client: ApiClient, tenant: Tenant, number: string, token: string) {
  return (await client.get(`/t/${tenant.slug}/api/orders/${number}`).header('X-Order-Token', token)).body().order
}

/** Opens what the channel gave the browser, so the trade exists at the gateway (a QR scanned, a form posted). */
export async function openPayment(start: PaymentStart) {
  if (start.kind === 'form') {
    const response = await fetch(start.form.action, { method: 'POST', body: new URLSearchParams(start.form.fields), redirect: 'manual' })
    if (response.status >= 400) throw new Error(`the gateway refused the payment form: ${await response.text()}`)
    return response.headers.get('location')
  }
  if (start.kind === 'qr' || start.kind === 'redirect') {
    const response = await fetch(start.url, { redirect: 'manual' })
    if (response.status >= 400) throw new Error(`the gateway refused the payment link: ${await response.text()}`)
    return response.headers.get('location') ?? start.url
  }
  return null
}

/** The visitor presses "pay" (or fail/cancel) at the sandbox cashier. */
export async function settle(kind: ChannelKind, merchantId: string, outTradeNo: string, outcome: 'pay' | 'fail' | 'cancel' = 'pay', faults?: NotificationFaults) {
  return sandboxPost('/sandbox/trades/settle', { gateway: SANDBOX_GATEWAY[kind], merchantId, outTradeNo, outcome, faults })
}

/** Faults for the gateway's next notification (e.g. a refund's). */
export async function nextNotificationFaults(kind: ChannelKind, faults: NotificationFaults) {
  return sandboxPost('/sandbox/faults', { gateway: SANDBOX_GATEWAY[kind], faults })
}

export async function deliveries(kind: ChannelKind) {
  const response = await fetch(`${sandboxUrl()}/sandbox/deliveries?gateway=${SANDBOX_GATEWAY[kind]}`)
  return (await response.json()) as { subject: string; status: number | null; accepted: boolean; attempt: number; faults: NotificationFaults }[]
}

/** Starts a payment through the visitor API and opens it; returns the payment and its merchant. */
export async function startPayment(client: ApiClient, tenant: Tenant, number: string, token: string, kind: ChannelKind, path = 'payments') {
  const response = await client.post(`/t/${tenant.slug}/api/orders/${number}/${path}`).header('X-Order-Token', token).json({ channel: kind, method: TEST_METHOD[kind] })
  response.assertStatus(201)
  const payment = response.body().payment
  await openPayment(payment.start)
  const row = await db.from(`${tenant.schemaName}.payments`).where('out_trade_no', payment.outTradeNo).firstOrFail()
  return { ...payment, merchantId: row.merchant_id as string }
}

/** Polls until `check` holds (notifications arrive asynchronously); fails with the last value after `ms`. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 5_000): Promise<T> {
  const until = Date.now() + ms
  let value = await read()
  while (!check(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    value = await read()
  }
  if (!check(value)) throw new Error(`Condition not reached in ${ms} ms; last value: ${JSON.stringify(value)?.slice(0, 500)}`)
  return value
}

export async function notificationLog(tenant: Tenant) {
  return db.from(`${tenant.schemaName}.payment_notifications`).orderBy('id').select('channel', 'accepted', 'reason')
}
