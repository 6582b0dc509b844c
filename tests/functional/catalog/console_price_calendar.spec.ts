/*
 * The console's price calendar: staff see each day's price of any product (a draft being priced
 * before it goes on sale), while visitors still see only products on sale.
 */
import { test } from '@japa/runner'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

test.group('Console price calendar', () => {
  test("staff see a draft product's daily prices; visitors do not", async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const { site } = (await owner.post('/sites', { name: 'Gate' })).body()
    const { product } = (await owner.post('/products', { siteId: site.id, name: 'Night tour', kind: 'adult', basePrice: 5000 })).body()
    ;(await owner.post(`/products/${product.id}/price-rules`, { dayKind: 'weekend', price: 6500, memberPrice: 6000 })).assertStatus(201)

    const response = await owner.get(`/products/${product.id}/prices?from=2030-05-03&to=2030-05-06`)
    response.assertStatus(200)
    assert.deepEqual(response.body().prices, [
      { date: '2030-05-03', price: 5000, memberPrice: 5000 },
      { date: '2030-05-04', price: 6500, memberPrice: 6000 },
      { date: '2030-05-05', price: 6500, memberPrice: 6000 },
      { date: '2030-05-06', price: 5000, memberPrice: 5000 },
    ])
    ;(await owner.get('/products/987654/prices?from=2030-05-03&to=2030-05-06')).assertStatus(404)
    ;(await owner.get(`/products/${product.id}/prices?from=2030-05-06&to=2030-05-03`)).assertStatus(422)

    const visitor = new Agent(client, `/t/${venue.tenant.slug}/api`)
    ;(await visitor.get(`/products/${product.id}/prices?from=2030-05-03&to=2030-05-06`)).assertStatus(404)
    const anonymous = new Agent(client, `/t/${venue.tenant.slug}/console/api`)
    ;(await anonymous.get(`/products/${product.id}/prices?from=2030-05-03&to=2030-05-06`)).assertStatus(401)
  })
})
