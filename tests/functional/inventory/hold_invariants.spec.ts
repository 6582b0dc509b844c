/*
 * 1. A control: the same race through a deliberately unprotected read-then-write path (here in
 *    the test only, never in the app) oversells. So the race tests can see what they guard against.
 * 2. A property test: random interleavings of hold, release, expire and consume (an order paid),
 *    fired concurrently; after every round, held + sold + remaining = capacity, and the counters
 *    equal what the holds themselves account for. Seeded, so a failure can be replayed.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import InventoryService from '#inventory/services/inventory_service'
import { createTenant } from '#tests/helpers/tenants'
import { quotaState, seedSale } from '#tests/helpers/catalog'

/** mulberry32: a small seeded PRNG. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

test.group('Inventory invariants', () => {
  test('control: an unprotected read-then-write hold oversells under the same race', async ({ assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 50 }] })
    const quota = `${tenant.schemaName}.quotas`
    const quotaId = sale.quotas[0].id

    // Reads what is left, then writes the new count: the classic lost update.
    const unprotectedHold = async () => {
      const row = await db.from(quota).where('id', quotaId).firstOrFail()
      if (row.capacity - row.held - row.sold < 1) return false
      await new Promise((resolve) => setImmediate(resolve))
      await db.from(quota).where('id', quotaId).update({ held: row.held + 1 })
      return true
    }
    const granted = (await Promise.all(Array.from({ length: 200 }, unprotectedHold))).filter(Boolean).length
    assert.isAbove(granted, 50, 'the unprotected path should grant more places than exist')

    // The real path, same race, same capacity: exactly the capacity.
    await db.from(quota).where('id', quotaId).update({ held: 0 })
    const item = { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => InventoryService.hold(tenant, { items: [item] })))
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 50)
  })

  test('random interleavings keep held + sold + remaining = capacity, and the counters honest', async ({ assert }) => {
    const { tenant } = await createTenant()
    const capacity = 40
    const sale = await seedSale(tenant, { products: [{ maxPerOrder: 5 }], quotas: [{ capacity }] })
    const quotaId = sale.quotas[0].id
    const item = (quantity: number) => ({ productId: sale.products[0].id, sessionId: sale.session.id, quantity })
    const next = random(20261125)
    const active: string[] = []

    for (let round = 0; round < 25; round++) {
      const operations = Array.from({ length: 12 }, async () => {
        const pick = next()
        if (pick < 0.45) {
          const hold = await InventoryService.hold(tenant, { items: [item(1 + Math.floor(next() * 4))], minutes: next() < 0.2 ? 0 : 15 }).catch(() => null)
          if (hold) active.push(hold.id)
        } else if (pick < 0.65 && active.length) {
          await InventoryService.release(tenant, active.splice(Math.floor(next() * active.length), 1)[0])
        } else if (pick < 0.85 && active.length) {
          await InventoryService.consume(tenant, active.splice(Math.floor(next() * active.length), 1)[0])
        } else {
          await InventoryService.expire(tenant)
        }
      })
      await Promise.all(operations)

      const state = await quotaState(tenant, quotaId)
      const [{ remaining }] = await db.from(`${tenant.schemaName}.quotas`).where('id', quotaId).select(db.raw('capacity - held - sold as remaining'))
      assert.equal(state.held + state.sold + Number(remaining), capacity, `round ${round}`)
      assert.isAtLeast(Number(remaining), 0, `round ${round}`)
      assert.equal(state.held, state.activeHeld, `round ${round}: held matches active holds`)
      assert.equal(state.sold, state.consumed, `round ${round}: sold matches consumed holds`)
    }
    const final = await quotaState(tenant, quotaId)
    assert.isAbove(final.sold, 0, 'the run should have sold something')
  })
})

test.group('Hold expiry', () => {
  test('the sweeper gives back overdue holds of every venue and leaves live ones', async ({ assert }) => {
    const { sweepExpiredHolds } = await import('#inventory/services/hold_sweeper')
    const venues = await Promise.all([createTenant(), createTenant()])
    const sales = await Promise.all(venues.map(({ tenant }) => seedSale(tenant, { quotas: [{ capacity: 10 }] })))
    for (const [i, { tenant }] of venues.entries()) {
      const item = { productId: sales[i].products[0].id, sessionId: sales[i].session.id, quantity: 2 }
      await InventoryService.hold(tenant, { items: [item], minutes: 0 })
      await InventoryService.hold(tenant, { items: [item], minutes: 15 })
    }
    const { expired } = await sweepExpiredHolds()
    assert.isAtLeast(expired, 2)
    for (const [i, { tenant }] of venues.entries()) {
      const state = await quotaState(tenant, sales[i].quotas[0].id)
      assert.deepInclude(state, { held: 2, activeHeld: 2 })
    }
  })
})
