import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import PaymentService from '#payments/services/payment_service'
import { consoleAgent, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { quotaState } from '#tests/helpers/catalog'
import { eventually, payableVenue, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { visitorAgent } from '#tests/helpers/visitors'
import type { ApiClient } from '@japa/api-client'
import type Tenant from '#tenancy/models/tenant'

const CONTACT = { name: '李四', phone: '13812345678' }
let keys = 0
const key = () => `points-order-${process.pid}-${++keys}`

/** A venue (paying through the sandbox) with a free tier earning 1 point per yuan, and one of its members. */
async function venueWithMember(client: ApiClient, capacity = 20) {
  const sale = await payableVenue(['wechat_pay'], { products: [{ price: 10000 }], quotas: [{ capacity }] })
  const { tenant } = sale
  const staff = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, OWNER_PASSWORD)
  const tier = (await staff.post('/member-tiers', { name: 'Member', price: 0, earnPoints: 1, earnPerFen: 100 })).body().tier
  const visitor = await visitorAgent(client, tenant.slug, 'points@example.cn')
  ;(await visitor.agent.post('/membership', { tierId: tier.id })).assertStatus(201)
  const member = (await staff.get('/members')).body().members[0]
  const order = (quantity: number, usePoints?: number) =>
    visitor.agent
      .withHeaders({ 'Idempotency-Key': key() })
      .post('/orders', { items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity }], contact: CONTACT, ...(usePoints ? { usePoints } : {}) })
  return { ...sale, staff, visitor, member, order }
}

type Venue = Awaited<ReturnType<typeof venueWithMember>>

const balance = async (venue: Venue) => (await venue.visitor.agent.get('/membership')).body().points.balance as number
const ledger = async (venue: Venue) =>
  ((await venue.staff.get(`/members/${venue.member.id}`)).body().ledger as any[]).map((row) => [row.reason, row.delta, row.balanceAfter, row.shortfall])

async function paid(client: ApiClient, tenant: Tenant, placed: any) {
  placed.assertStatus(201)
  const { order, accessToken } = placed.body()
  const payment = await startPayment(client, tenant, order.number, accessToken, 'wechat_pay')
  await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
  await eventually(() => viewOrder(client, tenant, order.number, accessToken), (o) => o.status === 'issued')
  return { order, accessToken, tickets: (await viewOrder(client, tenant, order.number, accessToken)).tickets as any[] }
}

function refund(client: ApiClient, tenant: Tenant, bought: { order: any; accessToken: string }, ticketIds?: number[]) {
  return client
    .post(`/t/${tenant.slug}/api/orders/${bought.order.number}/refunds`)
    .header('X-Order-Token', bought.accessToken)
    .json({ reason: 'plans changed', ...(ticketIds ? { ticketIds } : {}) })
}

test.group('Points', () => {
  test('earned on the amount paid, taken back in proportion on a partial and a full refund, never below zero', async ({ client, assert }) => {
    const venue = await venueWithMember(client)
    const bought = await paid(client, venue.tenant, await venue.order(2))
    assert.equal(await balance(venue), 200)

    ;(await refund(client, venue.tenant, bought, [bought.tickets[0].id])).assertStatus(201)
    assert.equal(await balance(venue), 100)

    // The member spends most of the rest; the full refund then takes what is left and records the shortfall.
    ;(await venue.staff.post(`/members/${venue.member.id}/points`, { delta: -80, reason: 'gift shop voucher' })).assertStatus(200)
    ;(await refund(client, venue.tenant, bought)).assertStatus(201)
    assert.equal(await balance(venue), 0)
    assert.deepEqual(await ledger(venue), [
      ['earn_reversed', -20, 0, 80],
      ['adjusted', -80, 20, 0],
      ['earn_reversed', -100, 100, 0],
      ['earned', 200, 200, 0],
    ])
    // Every movement of the order names it; the staff adjustment names its reason instead.
    const orderId = (await db.from(`${venue.tenant.schemaName}.orders`).where('number', bought.order.number).firstOrFail()).id
    const rows = await db.from(`${venue.tenant.schemaName}.member_point_movements`).orderBy('id')
    assert.deepEqual(
      rows.map((row) => [row.reason, row.order_id === null ? null : Number(row.order_id), row.note]),
      [
        ['earned', Number(orderId), '20000 fen paid, Member'],
        ['earn_reversed', Number(orderId), '10000 of 20000 fen refunded'],
        ['adjusted', null, 'gift shop voucher'],
        ['earn_reversed', Number(orderId), '20000 of 20000 fen refunded'],
      ]
    )
    const adjusted = await db.from(`${venue.tenant.schemaName}.audit_logs`).where('action', 'member.points_adjusted').firstOrFail()
    assert.include(adjusted.meta, { delta: -80, reason: 'gift shop voucher' })

    // The database itself refuses a negative balance.
    await assert.rejects(() => db.from(`${venue.tenant.schemaName}.members`).where('id', venue.member.id).update({ points: -1 }))
  }).timeout(60_000)

  test('redeemed at checkout as a discount, earned on what was paid, and both undone by a full refund', async ({ client, assert }) => {
    const venue = await venueWithMember(client)
    ;(await venue.staff.post(`/members/${venue.member.id}/points`, { delta: 500, reason: 'welcome gift' })).assertStatus(200)

    const placed = await venue.order(1, 300)
    placed.assertStatus(201)
    assert.equal(placed.body().order.totalAmount, 10000 - 300)
    assert.equal(placed.body().order.discountAmount, 300)
    assert.equal(await balance(venue), 200)
    const bought = await paid(client, venue.tenant, placed)
    assert.equal(await balance(venue), 200 + 97)

    ;(await refund(client, venue.tenant, bought)).assertStatus(201)
    assert.equal(await balance(venue), 500)
    assert.deepEqual(await ledger(venue), [
      ['redeem_returned', 300, 500, 0],
      ['earn_reversed', -97, 200, 0],
      ['earned', 97, 297, 0],
      ['redeemed', -300, 200, 0],
      ['adjusted', 500, 500, 0],
    ])
  }).timeout(60_000)

  test('refused without membership, sign-in or balance (nothing held); given back when the order is cancelled or expires', async ({ client, assert }) => {
    const venue = await venueWithMember(client)
    const items = [{ productId: venue.products[0].id, sessionId: venue.session.id, quantity: 1 }]
    const refusedWith = async (response: any, code: string) => {
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, 'usePoints')
      assert.equal(response.body().errors[0].code, code)
    }
    await refusedWith(await venue.order(1, 100), 'E_POINTS_INSUFFICIENT')
    await refusedWith(await client.post(`/t/${venue.tenant.slug}/api/orders`).header('Idempotency-Key', key()).json({ items, contact: CONTACT, usePoints: 100 }), 'E_POINTS_SIGN_IN')
    const outsider = await visitorAgent(client, venue.tenant.slug, 'outsider@example.cn')
    await refusedWith(await outsider.agent.withHeaders({ 'Idempotency-Key': key() }).post('/orders', { items, contact: CONTACT, usePoints: 100 }), 'E_POINTS_NOT_MEMBER')
    assert.equal((await quotaState(venue.tenant, venue.quotas[0].id)).held, 0)

    ;(await venue.staff.post(`/members/${venue.member.id}/points`, { delta: 500, reason: 'welcome gift' })).assertStatus(200)
    // Asking for more than the venue's share of the order (50%: 5,000 points here) still needs the points.
    await refusedWith(await venue.order(1, 9000), 'E_POINTS_INSUFFICIENT')

    const cancelled = await venue.order(1, 300)
    cancelled.assertStatus(201)
    assert.equal(await balance(venue), 200)
    ;(await client.post(`/t/${venue.tenant.slug}/api/orders/${cancelled.body().order.number}/cancel`).header('X-Order-Token', cancelled.body().accessToken)).assertStatus(200)
    assert.equal(await balance(venue), 500)

    const expiring = await venue.order(1, 200)
    expiring.assertStatus(201)
    assert.equal(await balance(venue), 300)
    const past = DateTime.now().minus({ minutes: 1 }).toJSDate()
    await db.from(`${venue.tenant.schemaName}.orders`).where('number', expiring.body().order.number).update({ expires_at: past })
    assert.equal(await PaymentService.for(venue.tenant).expireOverdue(), 1)
    assert.equal(await balance(venue), 500)
    assert.deepEqual((await ledger(venue)).slice(0, 4), [
      ['redeem_returned', 200, 500, 0],
      ['redeemed', -200, 300, 0],
      ['redeem_returned', 300, 500, 0],
      ['redeemed', -300, 200, 0],
    ])
  }).timeout(60_000)

  test('ten parallel orders redeeming the same points: one gets them, the balance never goes below zero', async ({ client, assert }) => {
    const venue = await venueWithMember(client, 50)
    ;(await venue.staff.post(`/members/${venue.member.id}/points`, { delta: 100, reason: 'welcome gift' })).assertStatus(200)

    const responses = await Promise.all(Array.from({ length: 10 }, () => venue.order(1, 100)))
    const won = responses.filter((response) => response.status() === 201)
    assert.lengthOf(won, 1)
    for (const response of responses.filter((r) => r.status() !== 201)) {
      response.assertStatus(422)
      assert.equal(response.body().errors[0].code, 'E_POINTS_INSUFFICIENT')
    }
    assert.equal(won[0].body().order.totalAmount, 10000 - 100)
    assert.equal(await balance(venue), 0)
    const redemptions = await db.from(`${venue.tenant.schemaName}.member_point_movements`).where('reason', 'redeemed')
    assert.lengthOf(redemptions, 1)
    // Only the winner holds a place; every loser gave its hold back.
    assert.equal((await quotaState(venue.tenant, venue.quotas[0].id)).held, 1)
  }).timeout(60_000)
})
