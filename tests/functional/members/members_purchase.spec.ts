import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import InventoryService from '#inventory/services/inventory_service'
import PaymentService from '#payments/services/payment_service'
import { connectSandboxMerchants } from '#sandbox/sandbox_merchants'
import type Tenant from '#tenancy/models/tenant'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { eventually, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { visitorAgent } from '#tests/helpers/visitors'

const GOLD = { name: 'Gold', price: 19900, validityDays: 365, discountPercent: 10 }
const SILVER = { name: 'Silver', price: 9900, validityDays: 180 }

/** A venue with sandbox WeChat Pay, two paid tiers, a CRM subscribed to member.joined, and a signed-in visitor. */
async function memberVenue(client: ApiClient) {
  const { tenant, email, password } = await createTenant()
  await connectSandboxMerchants(tenant, { kinds: ['wechat_pay'] })
  const owner = await consoleAgent(client, tenant.slug, email, password)
  const gold = (await owner.post('/member-tiers', GOLD)).body().tier
  const silver = (await owner.post('/member-tiers', SILVER)).body().tier
  ;(await owner.post('/webhooks', { url: 'http://127.0.0.1:9/crm', description: 'CRM', events: ['member.joined'] })).assertStatus(201)
  const visitor = await visitorAgent(client, tenant.slug, `member-${randomUUID()}@visitor.test`)
  return { tenant, owner, gold, silver, visitor: visitor.agent, visitorId: visitor.id }
}

async function pay(client: ApiClient, tenant: Tenant, number: string, accessToken: string) {
  const payment = await startPayment(client, tenant, number, accessToken, 'wechat_pay')
  await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
  return eventually(() => viewOrder(client, tenant, number, accessToken), (order) => order.status === 'issued')
}

const joinedEvents = async (tenant: Tenant) => (await db.from(`${tenant.schemaName}.webhook_deliveries`).where('event_type', 'member.joined').orderBy('id')).map((row) => row.payload.data)

/** Time is up for this order: its expiry and its (empty) hold are past, and the sweeps run. */
async function expire(tenant: Tenant, number: string) {
  const past = new Date(Date.now() - 1_000)
  const order = await db.from(`${tenant.schemaName}.orders`).where('number', number).firstOrFail()
  await db.from(`${tenant.schemaName}.orders`).where('id', order.id).update({ expires_at: past })
  await db.from(`${tenant.schemaName}.holds`).where('id', order.hold_id).update({ expires_at: past })
  await InventoryService.expire(tenant)
  await PaymentService.for(tenant).expireOverdue()
}

const days = (from: string, to: string) => DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days

test.group('Members: buying a paid tier (会员) through the payment channels', () => {
  test('a paid tier is an order paid through the sandbox; asked again it is the same order; paid, the membership starts, then renews from its end', async ({ client, assert }) => {
    const venue = await memberVenue(client)
    const { tenant, visitor } = venue

    const asked = await visitor.post('/membership', { tierId: venue.gold.id })
    asked.assertStatus(201)
    const { order, accessToken } = asked.body()
    assert.deepInclude(order, { status: 'pending_payment', totalAmount: 19900 })
    assert.lengthOf(order.tickets, 0)
    // Nothing starts before it is paid; asking again answers the same order.
    assert.isNull((await visitor.get('/membership')).body().membership)
    const again = await visitor.post('/membership', { tierId: venue.gold.id })
    again.assertStatus(200)
    assert.equal(again.body().order.number, order.number)
    assert.lengthOf(await joinedEvents(tenant), 0)

    await pay(client, tenant, order.number, accessToken)
    const card = (await visitor.get('/membership')).body().membership
    assert.deepInclude(card, { status: 'active', tier: { id: venue.gold.id, name: 'Gold' } })
    assert.closeTo(days(card.joinedAt, card.expiresAt), 365, 0.001)
    assert.closeTo(days(DateTime.now().toISO()!, card.expiresAt), 365, 0.01)

    const [joined] = await joinedEvents(tenant)
    assert.deepInclude(joined, { visitorId: venue.visitorId, source: 'self', order: order.number, renewed: false, previousTierId: null, by: 'visitor' })
    const purchase = await db.from(`${tenant.schemaName}.member_purchases`).where('order_id', (await db.from(`${tenant.schemaName}.orders`).where('number', order.number).firstOrFail()).id).firstOrFail()
    assert.deepInclude(purchase, { status: 'applied', price: 19900, expires_before: null })
    const audits = await db.from(`${tenant.schemaName}.audit_logs`).where('action', 'member.purchased')
    assert.lengthOf(audits, 1)
    assert.deepInclude(audits[0].meta, { order: order.number, price: 19900 })
    // No ticket, so no "tickets issued" message.
    assert.lengthOf(await db.from(`${tenant.schemaName}.outbox_messages`).where('template', 'tickets_issued'), 0)
    // Staff see the member it made.
    const members = (await venue.owner.get('/members')).body().members
    assert.deepEqual(members.map((member: any) => [member.visitor.id, member.tier.name, member.status]), [[venue.visitorId, 'Gold', 'active']])

    // Ten days before its end, bought again: one more year from its end, the start kept.
    const end = DateTime.now().plus({ days: 10 })
    await db.from(`${tenant.schemaName}.members`).where('visitor_id', venue.visitorId).update({ expires_at: end.toJSDate() })
    const renewal = await visitor.post('/membership', { tierId: venue.gold.id })
    renewal.assertStatus(201)
    assert.notEqual(renewal.body().order.number, order.number)
    await pay(client, tenant, renewal.body().order.number, renewal.body().accessToken)
    const renewed = (await visitor.get('/membership')).body().membership
    assert.equal(renewed.joinedAt, card.joinedAt)
    assert.closeTo(days(end.toISO()!, renewed.expiresAt), 365, 0.001)
    const events = await joinedEvents(tenant)
    assert.lengthOf(events, 2)
    assert.deepInclude(events[1], { renewed: true, previousTierId: venue.gold.id, order: renewal.body().order.number })
  })

  test('an unpaid order that expires or is cancelled changes nothing; one waits at a time', async ({ client, assert }) => {
    const venue = await memberVenue(client)
    const { tenant, visitor } = venue

    const first = (await visitor.post('/membership', { tierId: venue.gold.id })).body()
    const other = await visitor.post('/membership', { tierId: venue.silver.id })
    other.assertStatus(409)
    assert.equal(other.body().errors[0].code, 'E_MEMBERSHIP_ORDER_WAITING')
    assert.include(other.body().errors[0].message, first.order.number)

    await expire(tenant, first.order.number)
    assert.equal((await viewOrder(client, tenant, first.order.number, first.accessToken)).status, 'expired')
    assert.isNull((await visitor.get('/membership')).body().membership)
    // The expired order is not answered again: a new one.
    const second = await visitor.post('/membership', { tierId: venue.gold.id })
    second.assertStatus(201)
    assert.notEqual(second.body().order.number, first.order.number)

    const cancelled = await client.post(`/t/${tenant.slug}/api/orders/${second.body().order.number}/cancel`).header('X-Order-Token', second.body().accessToken)
    cancelled.assertStatus(200)
    assert.equal(cancelled.body().order.status, 'cancelled')
    assert.isNull((await visitor.get('/membership')).body().membership)

    // Nothing waits now: another tier can be asked for.
    const silver = await visitor.post('/membership', { tierId: venue.silver.id })
    silver.assertStatus(201)
    assert.deepInclude(silver.body().order, { totalAmount: 9900 })
    assert.lengthOf(await joinedEvents(tenant), 0)
    assert.isNull(await db.from(`${tenant.schemaName}.members`).where('visitor_id', venue.visitorId).first())
    assert.deepEqual(
      (await db.from(`${tenant.schemaName}.member_purchases`).orderBy('id')).map((row) => row.status),
      ['pending', 'pending', 'pending']
    )
    // A tier someone ordered stays (made inactive instead), though nobody holds it yet.
    const removed = await venue.owner.delete(`/member-tiers/${venue.silver.id}`)
    removed.assertStatus(409)
    assert.equal(removed.body().errors[0].code, 'E_TIER_IN_USE')
  })
})
