import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createTenant } from '#tests/helpers/tenants'
import { quotaState, seedSale } from '#tests/helpers/catalog'
import PaymentService from '#payments/services/payment_service'
import OrderDirectory from '#orders/services/order_directory'

const ID = '11010519491231002X'
const CONTACT = { name: '张三', phone: '13912345678' }

test.group('Checkout', () => {
  test('prices every ticket on the server and waits for payment with the places held', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 8000, idLimitScope: 'day' }, { price: 4000, kind: 'child' }], quotas: [{ capacity: 10 }] })
    // A rule for this session's day beats the base price.
    await db.table(`${tenant.schemaName}.price_rules`).insert({ product_id: sale.products[0].id, session_id: sale.session.id, day_kind: 'any', price: 9900, created_at: new Date(), updated_at: new Date() })

    const response = await client
      .post(`/t/${tenant.slug}/api/orders`)
      .header('Idempotency-Key', 'order-key-0001')
      .json({
        items: [
          { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 },
          { productId: sale.products[1].id, sessionId: sale.session.id, quantity: 2 },
        ],
        holders: [{ item: 0, name: '张三丰', idNumber: ID, phone: '13912345678' }],
        contact: CONTACT,
        // What the client says a ticket costs is not asked for, and would be ignored.
      })
    response.assertStatus(201)
    const { order, accessToken } = response.body()
    assert.match(order.number, /^T\d{6}[0-9A-Z]{10}$/)
    assert.equal(order.status, 'pending_payment')
    assert.equal(order.totalAmount, 9900 + 2 * 4000)
    assert.deepEqual(order.tickets.map((t: any) => [t.price, t.status]), [[9900, 'reserved'], [4000, 'reserved'], [4000, 'reserved']])
    assert.deepEqual(order.tickets[0].holder, { name: '张**', idMasked: '110105********002X', phone: '139****5678' })
    assert.equal(order.contact.phone, '139****5678')
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 3)

    // The ID number is stored encrypted, never in clear.
    const stored = await db.from(`${tenant.schemaName}.order_tickets`).whereNotNull('holder_id_number').firstOrFail()
    assert.notInclude(stored.holder_id_number, ID)

    // The order is its buyer's: by access token (no account), and nobody else's.
    ;(await client.get(`/t/${tenant.slug}/api/orders/${order.number}`).header('X-Order-Token', accessToken)).assertStatus(200)
    ;(await client.get(`/t/${tenant.slug}/api/orders/${order.number}`)).assertStatus(404)
    ;(await client.get(`/t/${tenant.slug}/api/orders/${order.number}`).header('X-Order-Token', 'x'.repeat(43))).assertStatus(404)
    const timeline = (await client.get(`/t/${tenant.slug}/api/orders/${order.number}?token=${accessToken}`)).body().order.timeline
    assert.deepEqual(timeline.map((event: any) => event.type), ['placed'])
  })

  test('a free reservation is issued at once', async ({ client, assert }) => {
    const { tenant } = await createTenant({ venueType: 'museum' })
    const sale = await seedSale(tenant, { products: [{ price: 0, kind: 'free' }], quotas: [{ capacity: 5 }] })
    const response = await client
      .post(`/t/${tenant.slug}/api/orders`)
      .header('Idempotency-Key', 'free-visit-0001')
      .json({ items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }], contact: CONTACT })
    response.assertStatus(201)
    const { order } = response.body()
    assert.equal(order.status, 'issued')
    assert.deepEqual(order.tickets.map((t: any) => t.status), ['valid', 'valid'])
    assert.deepEqual(order.timeline.map((event: any) => event.type), ['placed', 'paid', 'issued'])
    const quota = await quotaState(tenant, sale.quotas[0].id)
    assert.deepInclude(quota, { held: 0, sold: 2 })
  })

  test('a retried checkout never makes a second order, even when the retries race', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 50 }] })
    const body = { items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }], contact: CONTACT }
    const place = (key: string, json = body) => client.post(`/t/${tenant.slug}/api/orders`).header('Idempotency-Key', key).json(json)

    const responses = await Promise.all(Array.from({ length: 8 }, () => place('same-key-race-1')))
    const numbers = new Set(responses.map((response) => response.body().order?.number))
    assert.equal(numbers.size, 1)
    assert.isTrue(responses.every((response) => [200, 201].includes(response.status())))
    assert.equal(responses.filter((response) => response.status() === 201).length, 1)
    // Losers gave their places back: only the one order holds any.
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 2)
    assert.equal((await db.from(`${tenant.schemaName}.orders`).count('* as n'))[0].n, '1')

    const reused = await place('same-key-race-1', { ...body, items: [{ ...body.items[0], quantity: 3 }] })
    reused.assertStatus(422)
    assert.equal(reused.body().errors[0].code, 'E_IDEMPOTENCY_KEY_REUSED')

    const missing = await client.post(`/t/${tenant.slug}/api/orders`).json(body)
    missing.assertStatus(422)
    assert.equal(missing.body().errors[0].field, 'Idempotency-Key')
    const badPhone = await place('another-key-1', { ...body, contact: { phone: '12345' } } as any)
    badPhone.assertStatus(422)
    assert.equal(badPhone.body().errors[0].field, 'contact.phone')
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 2)
  })

  test('an unpaid order ends when its time is up, and its places go back', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 5 }] })
    const placed = await client
      .post(`/t/${tenant.slug}/api/orders`)
      .header('Idempotency-Key', 'expiring-order-1')
      .json({ items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 3 }], contact: CONTACT })
    const { order, accessToken } = placed.body()
    await db.from(`${tenant.schemaName}.orders`).where('number', order.number).update({ expires_at: new Date(Date.now() - 1000) })

    assert.equal(await PaymentService.for(tenant).expireOverdue(), 1)
    const after = (await client.get(`/t/${tenant.slug}/api/orders/${order.number}`).header('X-Order-Token', accessToken)).body().order
    assert.equal(after.status, 'expired')
    assert.deepEqual(after.tickets.map((t: any) => t.status), ['void', 'void', 'void'])
    assert.deepInclude(await quotaState(tenant, sale.quotas[0].id), { held: 0, sold: 0 })
    assert.equal(await PaymentService.for(tenant).expireOverdue(), 0)

    // A buyer may cancel before paying, with the same effect.
    const second = (
      await client
        .post(`/t/${tenant.slug}/api/orders`)
        .header('Idempotency-Key', 'cancelled-order-1')
        .json({ items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }], contact: CONTACT })
    ).body()
    const cancelled = await client.post(`/t/${tenant.slug}/api/orders/${second.order.number}/cancel`).header('X-Order-Token', second.accessToken)
    cancelled.assertStatus(200)
    assert.equal(cancelled.body().order.status, 'cancelled')
    assert.deepInclude(await quotaState(tenant, sale.quotas[0].id), { held: 0, sold: 0 })
    const view = await OrderDirectory.for(tenant).view(await OrderDirectory.for(tenant).find(second.order.number), 'staff')
    assert.deepEqual((view.timeline as any[]).map((event) => event.type), ['placed', 'cancelled'])
  })
})
