/*
 * Real races: many parallel HTTP requests against one session. Each test checks the exact counts,
 * and that the quota's counters agree with the holds that are supposed to explain them.
 */
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import InventoryService from '#inventory/services/inventory_service'
import { createTenant } from '#tests/helpers/tenants'
import { quotaState, seedSale } from '#tests/helpers/catalog'

function buyers(client: ApiClient, slug: string, count: number, body: (i: number) => Record<string, unknown>) {
  return Promise.all(
    Array.from({ length: count }, (_, i) => client.post(`/t/${slug}/api/holds`).header('accept', 'application/json').json(body(i)))
  )
}

const statuses = (responses: { status(): number }[]) =>
  responses.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status()]: (acc[r.status()] ?? 0) + 1 }), {})

test.group('Holds under concurrency', () => {
  test('500 parallel buyers for 100 places: exactly 100 holds, the rest a clear sold out', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 100 }] })
    const item = { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }

    const responses = await buyers(client, tenant.slug, 500, () => ({ items: [item] }))
    assert.deepEqual(statuses(responses), { 201: 100, 409: 400 })
    const soldOut = responses.find((r) => r.status() === 409)!.body().errors[0]
    assert.equal(soldOut.code, 'E_SOLD_OUT')
    assert.deepEqual(soldOut.remaining, [{ item: 0, remaining: 0 }])

    const state = await quotaState(tenant, sale.quotas[0].id)
    assert.deepInclude(state, { capacity: 100, held: 100, activeHeld: 100, sold: 0 })
    assert.equal(new Set(responses.filter((r) => r.status() === 201).map((r) => r.body().hold.id)).size, 100)
  })

  test('a product drawing on a daily capacity and its own allotment gets the smaller of both', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    // Quota 1: the day's 50 entries for both products. Quota 2: 30 for product 0 only.
    const sale = await seedSale(tenant, { products: [{}, { kind: 'child' }], quotas: [{ capacity: 50 }, { capacity: 30, products: [0] }] })
    const [adult, child] = sale.products
    const responses = await buyers(client, tenant.slug, 120, (i) => ({
      items: [{ productId: i % 2 ? child.id : adult.id, sessionId: sale.session.id, quantity: 1 }],
    }))
    const ok = responses.filter((r) => r.status() === 201)
    assert.equal(ok.length, 50)
    const daily = await quotaState(tenant, sale.quotas[0].id)
    const allotment = await quotaState(tenant, sale.quotas[1].id)
    assert.equal(daily.held, 50)
    assert.isAtMost(allotment.held, 30)
    assert.equal(allotment.held, allotment.activeHeld)
  })

  test('50 buyers racing for the same 2 seats: each seat is held once', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { kind: 'performance', hall: { rows: 2, seatsPerRow: 5 }, quotas: [{ capacity: 10 }] })
    const [a, b] = sale.seatIds
    const responses = await buyers(client, tenant.slug, 50, (i) => ({
      items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: i % 3 === 0 ? 1 : 2 }],
      // Some want both seats, some only one of them: every overlap is contested.
      seats: (i % 3 === 0 ? [i % 2 ? a : b] : [a, b]).map((seatId) => ({ sessionId: sale.session.id, seatId })),
    }))
    const won = responses.filter((r) => r.status() === 201)
    assert.isAtLeast(won.length, 1)
    assert.isAtMost(won.length, 2)
    const rows = await db.from(`${tenant.schemaName}.session_seats`).whereIn('seat_id', [a, b]).select('status', 'hold_id')
    assert.isTrue(rows.every((row) => row.status === 'held'))
    const holdIds = won.map((r) => r.body().hold.id)
    assert.sameMembers([...new Set(rows.map((row) => row.hold_id))], holdIds)
    const taken = responses.find((r) => r.status() === 409)!.body().errors[0]
    assert.equal(taken.field, 'seats')
  })

  test('holds expiring while buyers race: expired places are resold, counts stay exact', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 20 }] })
    const item = { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }
    // 20 holds that are already overdue, not yet swept.
    for (let i = 0; i < 20; i++) await InventoryService.hold(tenant, { items: [item], minutes: 0 })
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 20)

    const responses = await buyers(client, tenant.slug, 60, () => ({ items: [item] }))
    assert.deepEqual(statuses(responses), { 201: 20, 409: 40 })
    const state = await quotaState(tenant, sale.quotas[0].id)
    assert.deepInclude(state, { held: 20, activeHeld: 20 })
  })

  test('two parallel holds with the same ID number for a session: only one passes', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ idLimitScope: 'session' }], quotas: [{ capacity: 10 }] })
    const body = {
      items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }],
      holders: [{ item: 0, name: '张三', idNumber: '11010519491231002X' }],
    }
    const responses = await buyers(client, tenant.slug, 8, () => body)
    assert.deepEqual(statuses(responses), { 201: 1, 409: 7 })
    assert.equal(responses.find((r) => r.status() === 409)!.body().errors[0].code, 'E_ID_ALREADY_BOOKED')
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 1)

    // Releasing the hold frees the ID for this session again.
    const hold = responses.find((r) => r.status() === 201)!.body().hold
    ;(await client.delete(`/t/${tenant.slug}/api/holds/${hold.id}`).header('accept', 'application/json')).assertStatus(204)
    ;(await client.post(`/t/${tenant.slug}/api/holds`).header('accept', 'application/json').json(body)).assertStatus(201)
  })
})

test.group('Best available seats', () => {
  test('30 parties of two race for a 50-seat hall: 25 get two seats side by side, none shared', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { kind: 'performance', hall: { rows: 5, seatsPerRow: 10 }, quotas: [{ capacity: 50 }] })
    const responses = await buyers(client, tenant.slug, 30, () => ({
      items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }],
      bestAvailable: { sessionId: sale.session.id },
    }))
    const won = responses.filter((r) => r.status() === 201)
    assert.equal(won.length, 25)
    const seats = won.flatMap((r) => r.body().hold.seats)
    assert.equal(new Set(seats.map((s: { id: number }) => s.id)).size, 50)
    for (const response of won) {
      const [a, b] = response.body().hold.seats
      assert.equal(a.row, b.row, 'a party sits in one row')
      assert.equal(Math.abs(Number(a.label) - Number(b.label)), 1, 'side by side')
    }
    const refused = responses.find((r) => r.status() === 409)!.body().errors[0]
    assert.equal(refused.code, 'E_SOLD_OUT')
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 50)
  })

  test('a reserved-seating ticket needs one seat per ticket', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { kind: 'performance', hall: { rows: 1, seatsPerRow: 4 }, quotas: [{ capacity: 4 }] })
    const item = { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }
    for (const seats of [[], [sale.seatIds[0]]]) {
      const response = await client.post(`/t/${tenant.slug}/api/holds`).json({ items: [item], seats: seats.map((seatId) => ({ sessionId: sale.session.id, seatId })) })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].code, 'E_NOT_ON_SALE')
    }
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 0)
  })
})
