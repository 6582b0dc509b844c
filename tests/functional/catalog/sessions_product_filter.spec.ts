/*
 * The console's session calendar can show one product's sessions: those with a quota selling it.
 */
import { test } from '@japa/runner'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

test.group('Console sessions by product', () => {
  test('productId keeps only the sessions whose quotas sell the product', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const { site } = (await owner.post('/sites', { name: 'Gardens' })).body()
    const { product: adult } = (await owner.post('/products', { siteId: site.id, name: 'Adult', kind: 'adult', basePrice: 4000 })).body()
    const { product: night } = (await owner.post('/products', { siteId: site.id, name: 'Night tour', kind: 'adult', basePrice: 9000 })).body()
    const { product: unsold } = (await owner.post('/products', { siteId: site.id, name: 'Unsold', kind: 'adult', basePrice: 100 })).body()
    const generate = (start: string, end: string, productIds: number[]) =>
      owner.post('/sessions/generate', {
        siteId: site.id,
        kind: 'slot',
        from: '2030-05-01',
        to: '2030-05-02',
        weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end })),
        quotas: [{ name: 'All', capacity: 100, productIds }],
      })
    ;(await generate('09:00', '12:00', [adult.id])).assertStatus(201)
    ;(await generate('19:00', '21:00', [night.id, adult.id])).assertStatus(201)

    const list = async (query: string) => {
      const response = await owner.get(`/sessions?siteId=${site.id}&from=2030-05-01&to=2030-05-02${query}`)
      response.assertStatus(200)
      return response.body().sessions.map((s: { startsAt: string }) => new Date(s.startsAt).toISOString())
    }
    assert.lengthOf(await list(''), 4)
    assert.lengthOf(await list(`&productId=${adult.id}`), 4)
    assert.deepEqual(await list(`&productId=${night.id}`), ['2030-05-01T11:00:00.000Z', '2030-05-02T11:00:00.000Z'])
    assert.deepEqual(await list(`&productId=${unsold.id}`), [])

    const bad = await owner.get(`/sessions?siteId=${site.id}&from=2030-05-01&to=2030-05-02&productId=abc`)
    bad.assertStatus(422)
    assert.equal(bad.body().errors[0].field, 'productId')
  })
})
