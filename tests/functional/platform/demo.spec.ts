import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { generate } from 'otplib'
import { seedDemo, DEMO_PASSWORD, DEMO_TOTP_SECRET } from '#platform/services/demo_venues'
import { venueUrls } from '#tenancy/services/venue_urls'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent } from '#tests/helpers/tenants'

const CATALOG_TABLES = ['sites', 'zones', 'seats', 'products', 'price_rules', 'calendar_days', 'sessions', 'quotas', 'quota_products', 'session_seats']

/** Rows of each catalog table of a venue. */
function catalogCounts(tenant: Tenant): Promise<Record<string, number>> {
  return runInTenant(tenant, async (trx) => {
    const { rows } = await trx.rawQuery(`select ${CATALOG_TABLES.map((table) => `(select count(*)::int from ${table}) as ${table}`).join(', ')}`)
    return rows[0]
  })
}

test.group('Demo', () => {
  test('seeds three kinds of venue whose printed pages and logins work, and is idempotent', async ({ client, assert }) => {
    const first = await seedDemo()
    const seeded = await Promise.all(first.venues.map(catalogCounts))
    const again = await seedDemo()
    assert.deepEqual(again.venues.map((v) => v.id), first.venues.map((v) => v.id))
    assert.deepEqual(await Promise.all(again.venues.map(catalogCounts)), seeded)
    assert.sameMembers(first.venues.map((v) => v.venueType), ['scenic', 'theatre', 'museum'])

    const bySlug = Object.fromEntries(first.venues.map((venue, i) => [venue.slug, seeded[i]]))
    // 60 days of 9 hourly slots, one quota each shared by the 3 tickets and the voucher-only press invitation.
    assert.deepInclude(bySlug['misty-peak'], { sites: 1, products: 4, sessions: 540, quotas: 540, quota_products: 2160 })
    // 8 weeks of Friday and Saturday performances, each with every seat of the 420-seat hall.
    assert.deepInclude(bySlug['riverside-theatre'], { sites: 1, zones: 1, seats: 420, products: 1, sessions: 16, session_seats: 16 * 420 })
    const today = DateTime.now().setZone('Asia/Shanghai').startOf('day')
    const museumDays = Array.from({ length: 30 }, (_, i) => today.plus({ days: i })).filter((day) => day.weekday !== 1).length
    assert.deepInclude(bySlug['city-museum'], { sites: 1, products: 1, sessions: museumDays * 4 })

    for (const venue of first.venues) {
      for (const url of Object.values(venueUrls(venue))) {
        const response = await client.get(new URL(url).pathname)
        response.assertStatus(200)
        assert.include(response.text(), venue.name)
      }
      const staff = new Agent(client, `/t/${venue.slug}/console/api`)
      for (const local of ['owner', 'admin', 'boxoffice', 'gate', 'finance']) {
        ;(await staff.post('/login', { email: `${local}@${venue.slug}.demo`, password: DEMO_PASSWORD })).assertStatus(200)
      }
    }

    ;(await client.get('/platform/')).assertStatus(200)
    const platform = new Agent(client, '/platform/api')
    const login = await platform.post('/login', { email: 'superadmin@tessera.demo', password: DEMO_PASSWORD })
    assert.equal(login.body().status, 'two_factor_required')
    ;(await platform.post('/two-factor', { code: await generate({ secret: DEMO_TOTP_SECRET }) })).assertStatus(200)
    const tenants = (await platform.get('/tenants?search=museum')).body().data
    assert.isTrue(tenants.some((t: { slug: string }) => t.slug === 'city-museum'))
  })

  test('every demo venue has a ticket on sale with places in the next two weeks, and a visitor can hold one', async ({ client, assert }) => {
    const { venues } = await seedDemo()
    const today = DateTime.now().setZone('Asia/Shanghai')
    const range = `from=${today.toISODate()}&to=${today.plus({ days: 13 }).toISODate()}`

    for (const venue of venues) {
      const owner = await consoleAgent(client, venue.slug, `owner@${venue.slug}.demo`, DEMO_PASSWORD)
      const [product] = (await owner.get('/products?status=on_sale')).body().products
      assert.exists(product, venue.slug)
      const visitor = new Agent(client, `/t/${venue.slug}/api`)

      const availability = await visitor.get(`/products/${product.id}/availability?${range}`)
      availability.assertStatus(200)
      const days: { date: string; remaining: number }[] = availability.body().days
      const open = days.filter((day) => day.remaining > 0)
      assert.isNotEmpty(open, venue.slug)
      const sessions: { id: number; remaining: number }[] = (await visitor.get(`/products/${product.id}/sessions?date=${open[0].date}`)).body().sessions
      const session = sessions.find((candidate) => candidate.remaining > 0)!
      const hold: Record<string, unknown> = { items: [{ productId: product.id, sessionId: session.id, quantity: 1 }] }

      if (venue.slug === 'misty-peak') {
        const prices: { date: string; price: number }[] = (await visitor.get(`/products/${product.id}/prices?${range}`)).body().prices
        for (const day of prices.filter((p) => DateTime.fromISO(p.date).weekday >= 6)) assert.equal(day.price, 15000, day.date)
        assert.isTrue(prices.some((day) => day.price === 12000))
        // The press voucher opens the invitation no visitor sees listed.
        const voucher = (await visitor.get('/vouchers/PRESS-2026')).body().voucher
        assert.deepEqual(voucher.products.map((p: { name: string }) => p.name), ['媒体邀请票 Press invitation'])
        assert.notInclude((await visitor.get('/products')).body().products.map((p: { name: string }) => p.name), '媒体邀请票 Press invitation')
      }
      if (venue.slug === 'riverside-theatre') {
        const response = await visitor.get(`/sessions/${session.id}/seats`)
        response.assertStatus(200)
        const seats: { id: number; status: string }[] = response.body().seats
        const available = seats.filter((seat) => seat.status === 'available')
        // Every seat but the sound desk's two (fewer once a browser test on the same database sold
        // some), and as many as the performance's quota.
        assert.lengthOf(seats, 420)
        assert.lengthOf(available, session.remaining)
        assert.isAtMost(available.length, 418)
        hold.seats = [{ sessionId: session.id, seatId: available[0].id }]
      }
      if (venue.slug === 'city-museum') {
        assert.notInclude(days.map((day) => DateTime.fromISO(day.date).weekday), 1, 'closed on Mondays')
        hold.holders = [{ item: 0, name: '王芳', idNumber: '11010519491231002X' }]
      }

      const held = await visitor.post('/holds', hold)
      held.assertStatus(201)
      assert.isString(held.body().hold.id)
      if (venue.slug === 'city-museum') {
        // One visit per ID number a day.
        const twice = await visitor.post('/holds', hold)
        twice.assertStatus(409)
        assert.equal(twice.body().errors[0].code, 'E_ID_ALREADY_BOOKED')
      }
    }
  })
})
