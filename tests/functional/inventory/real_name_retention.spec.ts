import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import InventoryService from '#inventory/services/inventory_service'
import { idNumberHash } from '#inventory/services/real_name'
import { purgeAllRealNameData } from '#inventory/services/real_name_retention'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'

test.group('Real-name retention', () => {
  test("claims are deleted once their session ended longer ago than the venue's retention", async ({ assert }) => {
    const { tenant } = await createTenant()
    const recent = await seedSale(tenant, { products: [{ idLimitScope: 'session' }], quotas: [{ capacity: 5 }] })
    const old = await seedSale(tenant, { products: [{ idLimitScope: 'session' }], quotas: [{ capacity: 5 }] })
    const claim = async (sale: typeof recent) => {
      const hold = await InventoryService.hold(tenant, {
        items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }],
        claims: [{ item: 0, idHash: idNumberHash(tenant.id, '11010519491231002X') }],
      })
      assert.isTrue(await InventoryService.consume(tenant, hold.id))
      return hold.id
    }
    const keptHold = await claim(recent)
    const oldHold = await claim(old)
    // The old session ended 31 days ago (retention: 30 days by default).
    await db.from(`${tenant.schemaName}.sessions`).where('id', old.session.id).update({
      starts_at: db.raw("now() - interval '31 days 2 hours'"),
      ends_at: db.raw("now() - interval '31 days 1 hour'"),
    })

    const { purged } = await purgeAllRealNameData()
    assert.isAtLeast(purged, 1)
    const left = (await db.from(`${tenant.schemaName}.real_name_claims`).select('hold_id')).map((r) => r.hold_id)
    assert.deepEqual(left, [keptHold])
    assert.notInclude(left, oldHold)

    // With a 1-day retention, a session that ended 2 days ago loses its claims as well.
    await db.from(`${tenant.schemaName}.booking_rules`).update({ real_name_retention_days: 1 })
    await db.from(`${tenant.schemaName}.sessions`).where('id', recent.session.id).update({
      starts_at: db.raw("now() - interval '3 days'"),
      ends_at: db.raw("now() - interval '2 days'"),
    })
    await purgeAllRealNameData()
    assert.lengthOf(await db.from(`${tenant.schemaName}.real_name_claims`), 0)
  })
})
