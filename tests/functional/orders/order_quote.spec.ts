import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent, createTenant, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { quotaState, seedSale } from '#tests/helpers/catalog'
import { visitorAgent } from '#tests/helpers/visitors'
import type { ApiClient } from '@japa/api-client'

const CONTACT = { name: '张三', phone: '13912345678' }
let keys = 0
const key = () => `quote-order-${process.pid}-${++keys}`

/**
 * A venue with an adult ticket that has a member price (8000, members 6000) and a child ticket,
 * a 15%-off tier, a member holding it, and staff to make coupons and give points.
 */
async function venue(client: ApiClient) {
  const { tenant } = await createTenant()
  const sale = await seedSale(tenant, { products: [{ price: 8000 }, { price: 5000, kind: 'child' }], quotas: [{ capacity: 50 }] })
  await db.table(`${tenant.schemaName}.price_rules`).insert({ product_id: sale.products[0].id, day_kind: 'any', price: 8000, member_price: 6000, created_at: new Date(), updated_at: new Date() })
  const staff = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, OWNER_PASSWORD)
  const tier = (await staff.post('/member-tiers', { name: 'Silver', price: 0, discountPercent: 15 })).body().tier
  const member = await visitorAgent(client, tenant.slug, 'member@example.cn')
  ;(await staff.post('/members', { visitorId: member.id, tierId: tier.id, note: 'test member', paidAmount: 0 })).assertStatus(201)
  const items = [
    { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 },
    { productId: sale.products[1].id, sessionId: sale.session.id, quantity: 2 },
  ]
  const anonymous = {
    quote: (body: Record<string, unknown>) => client.post(`/t/${tenant.slug}/api/orders/quote`).json(body),
    order: (body: Record<string, unknown>) => client.post(`/t/${tenant.slug}/api/orders`).header('Idempotency-Key', key()).json({ contact: CONTACT, ...body }),
  }
  const signedIn = {
    quote: (body: Record<string, unknown>) => member.agent.post('/orders/quote', body),
    order: (body: Record<string, unknown>) => member.agent.withHeaders({ 'Idempotency-Key': key() }).post('/orders', { contact: CONTACT, ...body }),
  }
  const coupon = async (body: Record<string, unknown>) => (await staff.post('/coupons', { name: '春季优惠 Spring', ...body })).body().codes[0] as string
  return { tenant, sale, staff, member, items, anonymous, signedIn, coupon }
}

type Buyer = { quote: (body: Record<string, unknown>) => Promise<any>; order: (body: Record<string, unknown>) => Promise<any> }

/** The quote's total, then the order placed with the same body: its total must be the same. */
async function quotedThenPlaced(buyer: Buyer, body: Record<string, unknown>) {
  const quoted = await buyer.quote(body)
  quoted.assertStatus(200)
  const placed = await buyer.order(body)
  placed.assertStatus(201)
  return { quote: quoted.body().quote, order: placed.body().order }
}

test.group('Order quote (报价)', () => {
  test('the quote is what the order then costs: plain, member price with a percent coupon, and points', async ({ client, assert }) => {
    const { sale, staff, items, anonymous, signedIn, coupon } = await venue(client)

    const plain = await quotedThenPlaced(anonymous, { items })
    assert.deepEqual(plain.quote, {
      lines: [
        { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1, unitPrice: 8000 },
        { productId: sale.products[1].id, sessionId: sale.session.id, quantity: 2, unitPrice: 5000 },
      ],
      subtotal: 18000,
      couponDiscount: 0,
      pointsDiscount: 0,
      total: 18000,
    })
    assert.equal(plain.order.totalAmount, plain.quote.total)

    // Member price on the adult ticket, 15% off the children's, then 10% off with the coupon.
    const code = await coupon({ kind: 'percent_off', value: 10, code: 'SPRING-10', usesPerCode: 10 })
    const withCoupon = await quotedThenPlaced(signedIn, { items, couponCode: 'spring-10' })
    assert.deepEqual(
      withCoupon.quote.lines.map((line: any) => [line.unitPrice, line.memberPrice ?? false]),
      [
        [6000, true],
        [4250, true],
      ]
    )
    assert.include(withCoupon.quote, { subtotal: 14500, couponDiscount: 1450, pointsDiscount: 0, total: 13050 })
    assert.deepEqual(withCoupon.quote.coupon, { code, name: '春季优惠 Spring' })
    assert.equal(withCoupon.order.totalAmount, withCoupon.quote.total)
    assert.equal(withCoupon.order.discountAmount, 1450)

    // Points: 100 points for 100 fen by default, on what is left after the coupon.
    ;(await staff.post(`/members/${(await staff.get('/members')).body().members[0].id}/points`, { delta: 500, reason: 'welcome gift' })).assertStatus(200)
    const withPoints = await quotedThenPlaced(signedIn, { items, couponCode: code, usePoints: 300 })
    assert.include(withPoints.quote, { subtotal: 14500, couponDiscount: 1450, pointsDiscount: 300, total: 14500 - 1450 - 300 })
    assert.equal(withPoints.order.totalAmount, withPoints.quote.total)
  }).timeout(60_000)

  test('a bad coupon or points the buyer cannot use are refused as checkout refuses them', async ({ client, assert }) => {
    const { items, anonymous, coupon } = await venue(client)
    const refusal = async (response: any) => {
      response.assertStatus(422)
      return response.body().errors[0] as { field: string; code: string; message: string }
    }
    for (const body of [{ items, couponCode: 'NO-SUCH-CODE' }, { items, usePoints: 100 }]) {
      const quoted = await refusal(await anonymous.quote(body))
      assert.deepEqual(quoted, await refusal(await anonymous.order(body)))
    }
    assert.include(await refusal(await anonymous.quote({ items, couponCode: 'NO-SUCH-CODE' })), { field: 'couponCode', code: 'E_COUPON_UNKNOWN' })
    assert.include(await refusal(await anonymous.quote({ items, usePoints: 100 })), { field: 'usePoints', code: 'E_POINTS_SIGN_IN' })

    // A coupon needing a spend the tickets do not reach.
    const big = await coupon({ kind: 'amount_off', value: 1000, minSpend: 50_000 })
    assert.include(await refusal(await anonymous.quote({ items, couponCode: big })), { field: 'couponCode', code: 'E_COUPON_MIN_SPEND' })
    // Contact and holders are not needed to quote.
    assert.include(await refusal(await anonymous.quote({ items: [] })), { field: 'items' })
  }).timeout(60_000)

  test('only what a visitor could buy is quoted: not a draft, not a voucher-only ticket without its code', async ({ client, assert }) => {
    const { tenant, sale, items, anonymous, coupon } = await venue(client)
    const schema = tenant.schemaName
    await db.from(`${schema}.products`).where('id', sale.products[0].id).update({ requires_voucher: true })
    const hidden = await anonymous.quote({ items })
    hidden.assertStatus(422)
    assert.include(hidden.body().errors[0], { field: 'items.0', code: 'E_NOT_ON_SALE' })
    const press = await coupon({ kind: 'percent_off', value: 100, productIds: [sale.products[0].id] })
    const opened = await anonymous.quote({ items: [items[0]], couponCode: press })
    opened.assertStatus(200)
    assert.equal(opened.body().quote.total, 0)

    await db.from(`${schema}.products`).where('id', sale.products[1].id).update({ status: 'draft' })
    const draft = await anonymous.quote({ items: [items[1]] })
    draft.assertStatus(422)
    assert.equal(draft.body().errors[0].field, 'items.0')
  })

  test('a quote takes nothing: no places held, no coupon use, no points', async ({ client, assert }) => {
    const { tenant, sale, staff, items, signedIn, coupon } = await venue(client)
    const code = await coupon({ kind: 'amount_off', value: 500, usesPerCode: 1 })
    const memberId = (await staff.get('/members')).body().members[0].id
    ;(await staff.post(`/members/${memberId}/points`, { delta: 500, reason: 'welcome gift' })).assertStatus(200)

    for (let n = 0; n < 3; n++) (await signedIn.quote({ items, couponCode: code, usePoints: 200 })).assertStatus(200)

    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 0)
    const campaign = (await staff.get('/coupons')).body().campaigns[0]
    assert.deepEqual((await staff.get(`/coupons/${campaign.id}/codes`)).body().codes, [{ code, uses: 0, maxUses: 1 }])
    assert.equal(Number((await db.from(`${tenant.schemaName}.members`).where('id', memberId).firstOrFail()).points), 500)
    assert.equal(Number((await db.from(`${tenant.schemaName}.coupon_redemptions`).count('* as n').first())?.n), 0)

    // The single-use code still works for the order itself, and then the quote says it is used up.
    ;(await signedIn.order({ items, couponCode: code })).assertStatus(201)
    const after = await signedIn.quote({ items, couponCode: code })
    after.assertStatus(422)
    assert.include(after.body().errors[0], { field: 'couponCode', code: 'E_COUPON_USED_UP' })
  }).timeout(60_000)
})
