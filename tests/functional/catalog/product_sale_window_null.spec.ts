/*
 * A product's sale window is optional at either end: null means "no limit" (sale opens at once,
 * never closes). The console sends null when staff clear a date.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

test.group('Product sale window', () => {
  test('null sale dates are accepted on create and clear a stored window on update', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const { site } = (await owner.post('/sites', { name: 'Gate' })).body()

    const created = await owner.post('/products', { siteId: site.id, name: 'Day ticket', kind: 'adult', basePrice: 5000, saleStartsAt: null, saleEndsAt: null })
    created.assertStatus(201)
    const product = created.body().product
    assert.deepInclude(product, { saleStartsAt: null, saleEndsAt: null })

    const windowed = await owner.patch(`/products/${product.id}`, { saleStartsAt: '2030-01-01T00:00:00+08:00', saleEndsAt: '2030-06-30T23:59:59+08:00' })
    windowed.assertStatus(200)
    assert.equal(new Date(windowed.body().product.saleEndsAt).toISOString(), '2030-06-30T15:59:59.000Z')

    const cleared = await owner.patch(`/products/${product.id}`, { saleEndsAt: null })
    cleared.assertStatus(200)
    assert.equal(new Date(cleared.body().product.saleStartsAt).toISOString(), '2029-12-31T16:00:00.000Z')
    assert.isNull(cleared.body().product.saleEndsAt)
    const stored = await db.from(`${venue.tenant.schemaName}.products`).where('id', product.id).firstOrFail()
    assert.isNull(stored.sale_ends_at)

    // Clearing the start too leaves no window at all; a bad date is still refused.
    const open = await owner.patch(`/products/${product.id}`, { saleStartsAt: null })
    open.assertStatus(200)
    assert.isNull(open.body().product.saleStartsAt)
    const bad = await owner.patch(`/products/${product.id}`, { saleStartsAt: 'tomorrow' })
    bad.assertStatus(422)
    assert.equal(bad.body().errors[0].field, 'saleStartsAt')
  })
})
