import { test } from '@japa/runner'
import { generate } from 'otplib'
import { seedDemo, DEMO_PASSWORD, DEMO_TOTP_SECRET } from '#platform/services/demo_venues'
import { venueUrls } from '#tenancy/services/venue_urls'
import { Agent } from '#tests/helpers/agent'

test.group('Demo', () => {
  test('seeds three kinds of venue whose printed pages and logins work, and is idempotent', async ({ client, assert }) => {
    const first = await seedDemo()
    const again = await seedDemo()
    assert.deepEqual(again.venues.map((v) => v.id), first.venues.map((v) => v.id))
    assert.sameMembers(first.venues.map((v) => v.venueType), ['scenic', 'theatre', 'museum'])

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
})
