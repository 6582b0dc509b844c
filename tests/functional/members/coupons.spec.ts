import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { quotaState, seedSale } from '#tests/helpers/catalog'
import { eventually, payableVenue, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { visitorAgent } from '#tests/helpers/visitors'
import type { ApiClient } from '@japa/api-client'
import type Tenant from '#tenancy/models/tenant'

const CONTACT = { name: '张三', phone: '13912345678' }
let keys = 0
const key = () => `coupon-order-${process.pid}-${++keys}`

const owner = (client: ApiClient, tenant: Tenant) => consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, 'correct-horse-42')

function place(client: ApiClient, tenant: Tenant, items: { productId: number; sessionId: number; quantity: number }[], couponCode?: string) {
  return client.post(`/t/${tenant.slug}/api/orders`).header('Idempotency-Key', key()).json({ items, contact: CONTACT, ...(couponCode ? { couponCode } : {}) })
}

async function campaign(agent: Awaited<ReturnType<typeof owner>>, body: Record<string, unknown>) {
  const response = await agent.post('/coupons', { name: 'Promo', ...body })
  response.assertStatus(201)
  return response.body() as { campaign: any; codes: string[] }
}

test.group('Coupons', () => {
  test('amount and percent discounts are priced on the server, order-level, never below zero', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 8000 }, { price: 4000, kind: 'child' }], quotas: [{ capacity: 50 }] })
    const staff = await owner(client, tenant)
    const items = [
      { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 },
      { productId: sale.products[1].id, sessionId: sale.session.id, quantity: 2 },
    ]

    const amount = await campaign(staff, { kind: 'amount_off', value: 3000, code: 'spring-30', usesPerCode: 10 })
    assert.deepEqual(amount.codes, ['SPRING30'])
    const byAmount = await place(client, tenant, items, 'spring-30')
    byAmount.assertStatus(201)
    const order = byAmount.body().order
    assert.equal(order.totalAmount, 16000 - 3000)
    assert.equal(order.discountAmount, 3000)
    assert.equal(order.couponCode, 'SPRING30')
    // Ticket prices stay as priced; the discount is the order's.
    assert.deepEqual(order.tickets.map((t: any) => t.price), [8000, 4000, 4000])

    const percent = await campaign(staff, { kind: 'percent_off', value: 15, count: 3 })
    assert.lengthOf(percent.codes, 3)
    for (const code of percent.codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{10}$/)
    const byPercent = await place(client, tenant, items, percent.codes[0].toLowerCase())
    byPercent.assertStatus(201)
    assert.equal(byPercent.body().order.totalAmount, 16000 - 2400)

    // More off than the tickets cost: the order is free (issued at once), never negative.
    const big = await campaign(staff, { kind: 'amount_off', value: 99_999 })
    const free = await place(client, tenant, [items[1]], big.codes[0])
    free.assertStatus(201)
    assert.equal(free.body().order.totalAmount, 0)
    assert.equal(free.body().order.discountAmount, 8000)
    assert.equal(free.body().order.status, 'issued')

    const listed = (await staff.get('/coupons')).body().campaigns
    assert.lengthOf(listed, 3)
    const codes = (await staff.get(`/coupons/${amount.campaign.id}/codes`)).body().codes
    assert.deepEqual(codes, [{ code: 'SPRING30', uses: 1, maxUses: 10 }])
  })

  test('minimum spend and applicable products', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 8000 }, { price: 4000, kind: 'child' }], quotas: [{ capacity: 50 }] })
    const staff = await owner(client, tenant)
    const adult = (quantity: number) => ({ productId: sale.products[0].id, sessionId: sale.session.id, quantity })
    const child = (quantity: number) => ({ productId: sale.products[1].id, sessionId: sale.session.id, quantity })

    const adultsOnly = await campaign(staff, { kind: 'percent_off', value: 50, productIds: [sale.products[0].id], minSpend: 10000, usesPerCode: 10 })
    const code = adultsOnly.codes[0]

    // Only the adult tickets count toward the minimum and get the discount.
    const short = await place(client, tenant, [adult(1), child(2)], code)
    short.assertStatus(422)
    assert.equal(short.body().errors[0].field, 'couponCode')
    assert.equal(short.body().errors[0].code, 'E_COUPON_MIN_SPEND')
    const childOnly = await place(client, tenant, [child(3)], code)
    childOnly.assertStatus(422)
    assert.equal(childOnly.body().errors[0].code, 'E_COUPON_NOT_APPLICABLE')

    const ok = await place(client, tenant, [adult(2), child(1)], code)
    ok.assertStatus(201)
    assert.equal(ok.body().order.discountAmount, 8000)
    assert.equal(ok.body().order.totalAmount, 16000 + 4000 - 8000)
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 3)
  })

  test('an unknown, expired, disabled or used-up code is refused on couponCode and nothing is held', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 50 }] })
    const staff = await owner(client, tenant)
    const items = [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }]

    const expired = await campaign(staff, { kind: 'amount_off', value: 100, validFrom: '2020-01-01T00:00:00+08:00', validUntil: '2020-02-01T00:00:00+08:00' })
    const later = await campaign(staff, { kind: 'amount_off', value: 100, validFrom: '2099-01-01T00:00:00Z' })
    const disabled = await campaign(staff, { kind: 'amount_off', value: 100 })
    ;(await staff.post(`/coupons/${disabled.campaign.id}/disable`)).assertStatus(200)
    const once = await campaign(staff, { kind: 'amount_off', value: 100 })
    ;(await place(client, tenant, items, once.codes[0])).assertStatus(201)
    const heldBefore = (await quotaState(tenant, sale.quotas[0].id)).held

    for (const [code, error] of [
      ['NOSUCHCODE', 'E_COUPON_UNKNOWN'],
      [expired.codes[0], 'E_COUPON_EXPIRED'],
      [later.codes[0], 'E_COUPON_NOT_YET_VALID'],
      [disabled.codes[0], 'E_COUPON_DISABLED'],
      [once.codes[0], 'E_COUPON_USED_UP'],
    ]) {
      const response = await place(client, tenant, items, code)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, 'couponCode')
      assert.equal(response.body().errors[0].code, error)
    }
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, heldBefore)
    assert.equal(Number((await db.from(`${tenant.schemaName}.orders`).count('* as n').first()).n), 1)
    assert.equal(Number((await db.from(`${tenant.schemaName}.coupon_redemptions`).count('* as n').first()).n), 1)
  })

  test('twenty parallel checkouts with one single-use code: exactly one gets it', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 100 }] })
    const staff = await owner(client, tenant)
    const { codes } = await campaign(staff, { kind: 'amount_off', value: 1000 })
    const items = [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }]

    const responses = await Promise.all(Array.from({ length: 20 }, () => place(client, tenant, items, codes[0])))
    const won = responses.filter((response) => response.status() === 201)
    const refused = responses.filter((response) => response.status() === 422)
    assert.lengthOf(won, 1)
    assert.lengthOf(refused, 19)
    for (const response of refused) assert.equal(response.body().errors[0].field, 'couponCode')
    assert.equal(won[0].body().order.totalAmount, 8000 - 1000)

    const code = await db.from(`${tenant.schemaName}.coupon_codes`).where('code', codes[0]).firstOrFail()
    assert.equal(code.uses, 1)
    assert.equal(Number((await db.from(`${tenant.schemaName}.coupon_redemptions`).count('* as n').first()).n), 1)
    assert.equal(Number((await db.from(`${tenant.schemaName}.orders`).count('* as n').first()).n), 1)
    // Only the winner holds a place; every loser gave its hold back.
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 1)
  }).timeout(60_000)

  test('a per-visitor limit counts the visitor’s uses across codes, even in parallel', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 100 }] })
    const staff = await owner(client, tenant)
    const { codes } = await campaign(staff, { kind: 'amount_off', value: 500, code: 'WELCOME5', usesPerCode: 100, usesPerVisitor: 1 })
    const body = { items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }], contact: CONTACT, couponCode: codes[0] }

    // Without an account the limit cannot be kept.
    const anonymous = await place(client, tenant, body.items, codes[0])
    anonymous.assertStatus(422)
    assert.equal(anonymous.body().errors[0].code, 'E_COUPON_SIGN_IN')

    const { agent } = await visitorAgent(client, tenant.slug, 'coupon@example.cn')
    const responses = await Promise.all(Array.from({ length: 5 }, () => agent.withHeaders({ 'Idempotency-Key': key() }).post('/orders', body)))
    assert.equal(responses.filter((response) => response.status() === 201).length, 1)
    for (const response of responses.filter((r) => r.status() !== 201)) assert.equal(response.body().errors[0].code, 'E_COUPON_VISITOR_LIMIT')

    const { agent: other } = await visitorAgent(client, tenant.slug, 'other@example.cn')
    ;(await other.withHeaders({ 'Idempotency-Key': key() }).post('/orders', body)).assertStatus(201)
    assert.equal((await db.from(`${tenant.schemaName}.coupon_codes`).where('code', 'WELCOME5').firstOrFail()).uses, 2)
  }).timeout(60_000)

  test('refunds pay back only what was paid; a full refund gives the use back when configured', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'], { products: [{ price: 8000 }, { price: 4000, kind: 'child' }], quotas: [{ capacity: 10 }] })
    const { tenant } = sale
    const staff = await owner(client, tenant)
    const { codes } = await campaign(staff, { kind: 'amount_off', value: 1001, giveBackOnRefund: true })
    const placed = await place(
      client,
      tenant,
      [
        { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 },
        { productId: sale.products[1].id, sessionId: sale.session.id, quantity: 1 },
      ],
      codes[0]
    )
    placed.assertStatus(201)
    const { order, accessToken } = placed.body()
    assert.equal(order.totalAmount, 12000 - 1001)
    const payment = await startPayment(client, tenant, order.number, accessToken, 'wechat_pay')
    assert.equal(payment.amount ?? order.totalAmount, 10999)
    await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
    await eventually(() => viewOrder(client, tenant, order.number, accessToken), (o) => o.status === 'issued')

    // Each ticket's share: floor(1001 × 8000 / 12000) = 667 on the first, the rest (334) on the last.
    const quote = await client.get(`/t/${tenant.slug}/api/orders/${order.number}/refund-quote`).header('X-Order-Token', accessToken)
    quote.assertStatus(200)
    const body = quote.body()
    const tickets = body.quote?.tickets ?? body.tickets
    assert.deepEqual(tickets.map((t: any) => t.amount + t.fee), [8000 - 667, 4000 - 334])

    const refunded = await client.post(`/t/${tenant.slug}/api/orders/${order.number}/refunds`).header('X-Order-Token', accessToken).json({ reason: 'plans changed' })
    refunded.assertStatus(201)
    assert.isAtMost(refunded.body().refund.amount, 10999)
    const code = await db.from(`${tenant.schemaName}.coupon_codes`).where('code', codes[0]).firstOrFail()
    assert.equal(code.uses, 0)
    const redemption = await db.from(`${tenant.schemaName}.coupon_redemptions`).firstOrFail()
    assert.equal(redemption.status, 'returned')
    // The code works again.
    ;(await place(client, tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }], codes[0])).assertStatus(201)
  }).timeout(60_000)

  test('an order abandoned unpaid gives its single-use code back', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 5 }] })
    const { codes } = await campaign(await owner(client, tenant), { kind: 'amount_off', value: 1000 })
    const items = [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }]
    const first = await place(client, tenant, items, codes[0])
    first.assertStatus(201)
    ;(await place(client, tenant, items, codes[0])).assertStatus(422)
    const cancelled = await client.post(`/t/${tenant.slug}/api/orders/${first.body().order.number}/cancel`).header('X-Order-Token', first.body().accessToken)
    cancelled.assertStatus(200)
    const again = await place(client, tenant, items, codes[0])
    again.assertStatus(201)
    assert.equal(again.body().order.totalAmount, 7000)
    const code = await db.from(`${tenant.schemaName}.coupon_codes`).where('code', codes[0]).firstOrFail()
    assert.equal(code.uses, 1)
  })
})
