import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { consoleAgent, createTenant, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { quotaState, seedSale } from '#tests/helpers/catalog'
import { visitorAgent } from '#tests/helpers/visitors'
import type { ApiClient } from '@japa/api-client'
import type Tenant from '#tenancy/models/tenant'

const CONTACT = { name: '张三', phone: '13912345678' }
let keys = 0
const key = () => `member-order-${process.pid}-${++keys}`

type Items = { productId: number; sessionId: number; quantity: number }[]

const owner = (client: ApiClient, tenant: Tenant) => consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, OWNER_PASSWORD)

/** A signed-in visitor who holds `tierId` (granted by staff), with an agent to order with. */
async function memberOf(client: ApiClient, tenant: Tenant, email: string, tierId?: number) {
  const visitor = await visitorAgent(client, tenant.slug, email)
  if (tierId) {
    const granted = await (await owner(client, tenant)).post('/members', { visitorId: visitor.id, tierId, note: 'test member', paidAmount: 0 })
    granted.assertStatus(201)
  }
  return {
    ...visitor,
    order: (items: Items) => visitor.agent.withHeaders({ 'Idempotency-Key': key() }).post('/orders', { items, contact: CONTACT }),
  }
}

test.group('Members: prices and priority booking', () => {
  test('a member pays the member price where the calendar sets one, else the tier discount; others pay the price', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 8000 }, { price: 5000, kind: 'child' }], quotas: [{ capacity: 50 }] })
    await db.table(`${tenant.schemaName}.price_rules`).insert({ product_id: sale.products[0].id, day_kind: 'any', price: 8000, member_price: 6000, created_at: new Date(), updated_at: new Date() })
    const staff = await owner(client, tenant)
    const silver = (await staff.post('/member-tiers', { name: 'Silver', price: 0, discountPercent: 15 })).body().tier
    const plain = (await staff.post('/member-tiers', { name: 'Plain', price: 0, memberPrice: false })).body().tier
    const items = [
      { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 },
      { productId: sale.products[1].id, sessionId: sale.session.id, quantity: 2 },
    ]
    const prices = (response: any) => {
      response.assertStatus(201)
      return [response.body().order.tickets.map((ticket: any) => ticket.price), response.body().order.totalAmount]
    }

    // Member price on the adult ticket; 15% off the child ticket, which has no member price.
    const member = await memberOf(client, tenant, 'member@example.cn', silver.id)
    assert.deepEqual(prices(await member.order(items)), [[6000, 4250, 4250], 14500])

    const outsider = await memberOf(client, tenant, 'outsider@example.cn')
    assert.deepEqual(prices(await outsider.order(items)), [[8000, 5000, 5000], 18000])
    const anonymous = await client.post(`/t/${tenant.slug}/api/orders`).header('Idempotency-Key', key()).json({ items, contact: CONTACT })
    assert.deepEqual(prices(anonymous), [[8000, 5000, 5000], 18000])

    // A tier without the member price and without a discount gives neither.
    const plainMember = await memberOf(client, tenant, 'plain@example.cn', plain.id)
    assert.deepEqual(prices(await plainMember.order(items)), [[8000, 5000, 5000], 18000])

    // A lapsed membership gives nothing either.
    await db.from(`${tenant.schemaName}.members`).where('visitor_id', member.id).update({ expires_at: DateTime.now().minus({ minutes: 1 }).toJSDate() })
    assert.deepEqual(prices(await member.order(items)), [[8000, 5000, 5000], 18000])
  })

  test('the priority window lets a member hold before the public sale starts and refuses everyone else', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 10 }], startsInHours: 48 })
    await db.from(`${tenant.schemaName}.products`).where('id', sale.products[0].id).update({ sale_starts_at: DateTime.now().plus({ hours: 2 }).toJSDate() })
    const staff = await owner(client, tenant)
    const early = (await staff.post('/member-tiers', { name: 'Early', price: 0, priorityHours: 3 })).body().tier
    const late = (await staff.post('/member-tiers', { name: 'Late', price: 0, priorityHours: 1 })).body().tier
    const items = [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }]

    const member = await memberOf(client, tenant, 'early@example.cn', early.id)
    const placed = await member.order(items)
    placed.assertStatus(201)
    assert.equal(placed.body().order.status, 'pending_payment')
    // The same through the hold endpoint.
    ;(await member.agent.post('/holds', { items })).assertStatus(201)

    const refused = async (response: any) => {
      response.assertStatus(422)
      assert.equal(response.body().errors[0].code, 'E_NOT_ON_SALE')
    }
    await refused(await (await memberOf(client, tenant, 'late@example.cn', late.id)).order(items))
    await refused(await (await memberOf(client, tenant, 'public@example.cn')).order(items))
    await refused(await client.post(`/t/${tenant.slug}/api/orders`).header('Idempotency-Key', key()).json({ items, contact: CONTACT }))
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 4)
  })
})
