import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import InventoryService from '#inventory/services/inventory_service'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'

test.group('Visitor availability', () => {
  test('days and sessions show the places left, in the site time zone', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 30 }], startsInHours: 48 })
    const productId = sale.products[0].id
    await InventoryService.hold(tenant, { items: [{ productId, sessionId: sale.session.id, quantity: 4 }] })

    const localDay = sale.session.startsAt.setZone('Asia/Shanghai').toISODate()!
    const from = DateTime.now().setZone('Asia/Shanghai').toISODate()!
    const to = DateTime.now().setZone('Asia/Shanghai').plus({ days: 10 }).toISODate()!
    const days = await client.get(`/t/${tenant.slug}/api/products/${productId}/availability?from=${from}&to=${to}`)
    days.assertStatus(200)
    assert.deepEqual(days.body().days, [{ date: localDay, sessions: 1, remaining: 26, soldOut: false }])

    const sessions = await client.get(`/t/${tenant.slug}/api/products/${productId}/sessions?date=${localDay}`)
    sessions.assertStatus(200)
    assert.lengthOf(sessions.body().sessions, 1)
    assert.deepInclude(sessions.body().sessions[0], { id: sale.session.id, remaining: 26, date: localDay })
  })

  test('bad ranges are refused with a field, unknown products are 404', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant)
    const base = `/t/${tenant.slug}/api/products`
    const reversed = await client.get(`${base}/${sale.products[0].id}/availability?from=2030-02-01&to=2030-01-01`)
    reversed.assertStatus(422)
    assert.equal(reversed.body().errors[0].field, 'to')
    ;(await client.get(`${base}/${sale.products[0].id}/availability?from=2030-01-01&to=2031-06-01`)).assertStatus(422)
    ;(await client.get(`${base}/999999/availability?from=2030-01-01&to=2030-01-02`)).assertStatus(404)
  })
})
