import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

/** A venue's owner with a site holding a hall and an area, and a second site with its own hall. */
async function catalogVenue(client: ApiClient) {
  const venue = await createTenant()
  const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
  const { site } = (await owner.post('/sites', { name: 'Theatre' })).body()
  const { site: otherSite } = (await owner.post('/sites', { name: 'Annex' })).body()
  const { zone: hall } = (await owner.post(`/sites/${site.id}/zones`, { name: 'Main hall', kind: 'hall' })).body()
  const { zone: area } = (await owner.post(`/sites/${site.id}/zones`, { name: 'Garden', kind: 'area' })).body()
  const { zone: otherHall } = (await owner.post(`/sites/${otherSite.id}/zones`, { name: 'Annex hall', kind: 'hall' })).body()
  return { venue, owner, site, otherSite, hall, area, otherHall }
}

test.group('Console products', () => {
  test('the owner creates, lists, shows and changes a product, audited with before and after', async ({ client, assert }) => {
    const { venue, owner, site, otherSite } = await catalogVenue(client)
    const created = await owner.post('/products', {
      siteId: site.id,
      name: 'Adult day ticket',
      kind: 'adult',
      basePrice: 12000,
      saleStartsAt: '2030-01-01T00:00:00+08:00',
      saleEndsAt: '2030-12-31T23:59:59+08:00',
      minPerOrder: 1,
      maxPerOrder: 6,
      realNameRequired: true,
      idLimitScope: 'day',
      refundTiers: [
        { hoursBefore: 72, feePercent: 0 },
        { hoursBefore: 24, feePercent: 10 },
        { hoursBefore: 0, feePercent: 50 },
      ],
    })
    created.assertStatus(201)
    const product = created.body().product
    assert.deepInclude(product, { siteId: site.id, kind: 'adult', basePrice: 12000, status: 'draft', seating: 'general', maxPerOrder: 6, parts: [] })
    assert.deepEqual(product.refundTiers[2], { hoursBefore: 0, feePercent: 50 })
    assert.equal(new Date(product.saleStartsAt).toISOString(), '2029-12-31T16:00:00.000Z')

    await owner.post('/products', { siteId: otherSite.id, name: 'Annex ticket', kind: 'adult', basePrice: 3000 })
    const onSale = await owner.patch(`/products/${product.id}`, { status: 'on_sale', basePrice: 15000, description: 'All day' })
    onSale.assertStatus(200)
    assert.deepInclude(onSale.body().product, { status: 'on_sale', basePrice: 15000, description: 'All day' })

    const bySite = (await owner.get(`/products?siteId=${site.id}`)).body().products
    assert.deepEqual(bySite.map((p: { name: string }) => p.name), ['Adult day ticket'])
    const drafts = (await owner.get('/products?status=draft')).body().products
    assert.deepEqual(drafts.map((p: { name: string }) => p.name), ['Annex ticket'])
    assert.lengthOf((await owner.get('/products')).body().products, 2)
    const shown = await owner.get(`/products/${product.id}`)
    shown.assertStatus(200)
    assert.equal(shown.body().product.basePrice, 15000)
    ;(await owner.get('/products/999999')).assertStatus(404)
    ;(await owner.patch('/products/999999', { name: 'X' })).assertStatus(404)
    const badFilter = await owner.get('/products?status=sold_out')
    badFilter.assertStatus(422)
    assert.equal(badFilter.body().errors[0].field, 'status')

    const createdRow = (await owner.get('/audit?action=product.created')).body().data.find(
      (row: { subjectId: string }) => row.subjectId === String(product.id)
    )
    assert.equal(createdRow.actorId, String(venue.owner.id))
    assert.equal(createdRow.after.basePrice, 12000)
    const [updatedRow] = (await owner.get('/audit?action=product.updated')).body().data
    assert.deepInclude(updatedRow.before, { status: 'draft', basePrice: 12000 })
    assert.deepInclude(updatedRow.after, { status: 'on_sale', basePrice: 15000 })
  })

  test('refuses each broken rule with 422 on its field, and stores nothing', async ({ client, assert }) => {
    const { owner, site, hall, area, otherHall } = await catalogVenue(client)
    const { product: part } = (await owner.post('/products', { siteId: site.id, name: 'Entry', kind: 'adult', basePrice: 5000 })).body()
    const { product: combo } = (
      await owner.post('/products', { siteId: site.id, name: 'Combo', kind: 'package', basePrice: 8000, parts: [{ productId: part.id, quantity: 1 }] })
    ).body()
    const valid = { siteId: site.id, name: 'Ticket', kind: 'adult', basePrice: 1000 }

    const cases: [Record<string, unknown>, string][] = [
      [{ siteId: 999999 }, 'siteId'],
      [{ name: '' }, 'name'],
      [{ kind: 'vip' }, 'kind'],
      [{ basePrice: -1 }, 'basePrice'],
      [{ basePrice: 9.5 }, 'basePrice'],
      [{ kind: 'free', basePrice: 100 }, 'basePrice'],
      [{ saleStartsAt: '2030-02-01T00:00:00+08:00', saleEndsAt: '2030-01-01T00:00:00+08:00' }, 'saleEndsAt'],
      [{ saleStartsAt: '2030-02-01 00:00' }, 'saleStartsAt'],
      [{ minPerOrder: 5, maxPerOrder: 2 }, 'maxPerOrder'],
      [{ minPerOrder: 20 }, 'maxPerOrder'],
      [{ minPerOrder: 0 }, 'minPerOrder'],
      [{ kind: 'group', partyMax: 10 }, 'partyMin'],
      [{ kind: 'group', partyMin: 10 }, 'partyMax'],
      [{ kind: 'group', partyMin: 10, partyMax: 5 }, 'partyMax'],
      [{ partyMin: 2, partyMax: 4 }, 'partyMin'],
      [{ refundTiers: [{ hoursBefore: 24, feePercent: 10 }, { hoursBefore: 48, feePercent: 20 }] }, 'refundTiers'],
      [{ refundTiers: [{ hoursBefore: 48, feePercent: 10 }, { hoursBefore: 48, feePercent: 20 }] }, 'refundTiers'],
      [{ refundTiers: [{ hoursBefore: 48, feePercent: 30 }, { hoursBefore: 24, feePercent: 10 }] }, 'refundTiers'],
      [{ refundTiers: [{ hoursBefore: -1, feePercent: 10 }] }, 'refundTiers.0.hoursBefore'],
      [{ refundTiers: [{ hoursBefore: 24, feePercent: 120 }] }, 'refundTiers.0.feePercent'],
      [{ seating: 'reserved' }, 'zoneId'],
      [{ seating: 'reserved', zoneId: area.id }, 'zoneId'],
      [{ seating: 'reserved', zoneId: otherHall.id }, 'zoneId'],
      [{ zoneId: otherHall.id }, 'zoneId'],
      [{ kind: 'package' }, 'parts'],
      [{ kind: 'package', parts: [{ productId: 999999, quantity: 1 }] }, 'parts'],
      [{ kind: 'package', parts: [{ productId: combo.id, quantity: 1 }] }, 'parts'],
      [{ kind: 'package', parts: [{ productId: part.id, quantity: 0 }] }, 'parts.0.quantity'],
      [{ kind: 'package', parts: [{ productId: part.id, quantity: 1 }, { productId: part.id, quantity: 2 }] }, 'parts'],
      [{ parts: [{ productId: part.id, quantity: 1 }] }, 'parts'],
    ]
    for (const [override, field] of cases) {
      const response = await owner.post('/products', { ...valid, ...override })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(override))
    }
    const stored = (await owner.get('/products')).body().products
    assert.deepEqual(stored.map((p: { name: string }) => p.name), ['Entry', 'Combo'])

    // Reserved seating in a hall of the product's own site is fine.
    const seated = await owner.post('/products', { ...valid, seating: 'reserved', zoneId: hall.id })
    seated.assertStatus(201)
    assert.deepInclude(seated.body().product, { seating: 'reserved', zoneId: hall.id })
    const freeTicket = await owner.post('/products', { ...valid, kind: 'free', basePrice: 0 })
    freeTicket.assertStatus(201)
    const group = await owner.post('/products', { ...valid, kind: 'group', partyMin: 10, partyMax: 30 })
    group.assertStatus(201)
  })

  test('a change is checked against the stored product and changes nothing when refused', async ({ client, assert }) => {
    const { owner, site, hall, area } = await catalogVenue(client)
    const { product } = (
      await owner.post('/products', {
        siteId: site.id,
        name: 'Evening show',
        kind: 'adult',
        basePrice: 28000,
        seating: 'reserved',
        zoneId: hall.id,
        saleStartsAt: '2030-03-01T10:00:00+08:00',
        refundTiers: [{ hoursBefore: 24, feePercent: 20 }],
      })
    ).body()

    const cases: [Record<string, unknown>, string][] = [
      [{ saleEndsAt: '2030-02-01T10:00:00+08:00' }, 'saleEndsAt'],
      [{ maxPerOrder: 0 }, 'maxPerOrder'],
      [{ zoneId: area.id }, 'zoneId'],
      [{ zoneId: null }, 'zoneId'],
      [{ kind: 'free' }, 'basePrice'],
      [{ kind: 'group' }, 'partyMin'],
      [{ refundTiers: [{ hoursBefore: 12, feePercent: 20 }, { hoursBefore: 2, feePercent: 5 }] }, 'refundTiers'],
    ]
    for (const [change, field] of cases) {
      const response = await owner.patch(`/products/${product.id}`, change)
      assert.equal(response.status(), 422, JSON.stringify(change))
      assert.equal(response.body().errors[0].field, field, JSON.stringify(change))
    }
    // A product stays at its site: siteId is not among what a change may name.
    ;(await owner.patch(`/products/${product.id}`, { siteId: 999 })).assertStatus(200)
    const unchanged = (await owner.get(`/products/${product.id}`)).body().product
    assert.deepInclude(unchanged, { kind: 'adult', zoneId: hall.id, seating: 'reserved', maxPerOrder: 10, siteId: site.id })
    assert.deepEqual(unchanged.refundTiers, [{ hoursBefore: 24, feePercent: 20 }])

    // Together, the change is consistent: general seating in the garden.
    const moved = await owner.patch(`/products/${product.id}`, { seating: 'general', zoneId: area.id })
    moved.assertStatus(200)
    assert.deepInclude(moved.body().product, { seating: 'general', zoneId: area.id })
  })

  test('status goes draft → on_sale → off_sale → on_sale and never back to draft', async ({ client, assert }) => {
    const { owner, site } = await catalogVenue(client)
    const { product } = (await owner.post('/products', { siteId: site.id, name: 'Ticket', kind: 'adult', basePrice: 100 })).body()
    const steps: [string, number][] = [
      ['off_sale', 422],
      ['draft', 200],
      ['on_sale', 200],
      ['draft', 422],
      ['off_sale', 200],
      ['draft', 422],
      ['on_sale', 200],
    ]
    for (const [status, expected] of steps) {
      const response = await owner.patch(`/products/${product.id}`, { status })
      assert.equal(response.status(), expected, status)
      if (expected === 422) assert.equal(response.body().errors[0].field, 'status')
    }
    assert.equal((await owner.get(`/products/${product.id}`)).body().product.status, 'on_sale')
  })

  test('a package is made of other products, stored as its parts; packages do not nest', async ({ client, assert }) => {
    const { owner, site, otherSite } = await catalogVenue(client)
    const entry = (await owner.post('/products', { siteId: site.id, name: 'Entry', kind: 'adult', basePrice: 5000 })).body().product
    const boat = (await owner.post('/products', { siteId: otherSite.id, name: 'Boat', kind: 'adult', basePrice: 3000 })).body().product
    const cable = (await owner.post('/products', { siteId: site.id, name: 'Cable car', kind: 'adult', basePrice: 4000 })).body().product

    const created = await owner.post('/products', {
      siteId: site.id,
      name: 'Lake pass',
      kind: 'package',
      basePrice: 7000,
      parts: [
        { productId: entry.id, quantity: 1 },
        { productId: boat.id, quantity: 2 },
      ],
    })
    created.assertStatus(201)
    const pass = created.body().product
    assert.deepEqual(pass.parts, [
      { productId: entry.id, quantity: 1 },
      { productId: boat.id, quantity: 2 },
    ])
    assert.deepEqual((await owner.get(`/products/${pass.id}`)).body().product.parts, pass.parts)

    const replaced = await owner.patch(`/products/${pass.id}`, { parts: [{ productId: cable.id, quantity: 1 }] })
    replaced.assertStatus(200)
    assert.deepEqual(replaced.body().product.parts, [{ productId: cable.id, quantity: 1 }])
    // Renaming keeps the parts.
    assert.deepEqual((await owner.patch(`/products/${pass.id}`, { name: 'Lake pass 2030' })).body().product.parts, [
      { productId: cable.id, quantity: 1 },
    ])
    const [row] = (await owner.get('/audit?action=product.updated')).body().data
    assert.deepEqual(row.after.parts, [{ productId: cable.id, quantity: 1 }])

    // A part cannot become a package, nor a package be its own part.
    const nested = await owner.patch(`/products/${cable.id}`, { kind: 'package', parts: [{ productId: entry.id, quantity: 1 }] })
    nested.assertStatus(422)
    assert.equal(nested.body().errors[0].field, 'kind')
    const itself = await owner.patch(`/products/${pass.id}`, { parts: [{ productId: pass.id, quantity: 1 }] })
    itself.assertStatus(422)
    assert.equal(itself.body().errors[0].field, 'parts')
    const noParts = await owner.patch(`/products/${entry.id}`, { kind: 'package' })
    noParts.assertStatus(422)
    assert.equal(noParts.body().errors[0].field, 'parts')

    // No longer a package: its parts go.
    const unpacked = await owner.patch(`/products/${pass.id}`, { kind: 'adult' })
    unpacked.assertStatus(200)
    assert.deepEqual(unpacked.body().product.parts, [])
    const promoted = await owner.patch(`/products/${cable.id}`, { kind: 'package', parts: [{ productId: entry.id, quantity: 1 }] })
    promoted.assertStatus(200)
  })

  test('box office staff may read products but not create or change them', async ({ client, assert }) => {
    const { venue, owner, site } = await catalogVenue(client)
    const email = `desk@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Desk', email, password: 'desk-shift-2024', roles: ['box_office'] })
    const { product } = (await owner.post('/products', { siteId: site.id, name: 'Ticket', kind: 'adult', basePrice: 100 })).body()
    const desk = await consoleAgent(client, venue.tenant.slug, email, 'desk-shift-2024')

    ;(await desk.get('/products')).assertStatus(200)
    ;(await desk.get(`/products/${product.id}`)).assertStatus(200)
    const created = await desk.post('/products', { siteId: site.id, name: 'Mine', kind: 'adult', basePrice: 0 })
    created.assertStatus(403)
    assert.equal(created.body().errors[0].code, 'E_PERMISSION_DENIED')
    ;(await desk.patch(`/products/${product.id}`, { basePrice: 1 })).assertStatus(403)
    assert.equal((await owner.get(`/products/${product.id}`)).body().product.basePrice, 100)
    assert.lengthOf((await owner.get('/products')).body().products, 1)
  })
})
