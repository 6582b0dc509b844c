import { test } from '@japa/runner'
import { onHost, venueWithOwner } from '#tests/functional/venue/fixtures'

let hosts = 0
const uniqueHost = (label: string) => `${label}-${process.pid}-${++hosts}.example-park.cn`

test.group('Venue custom domains', () => {
  test('a bound domain serves the venue until it is removed; every change is audited', async ({ client, assert }) => {
    const { tenant, owner } = await venueWithOwner(client)
    const host = uniqueHost('tickets')

    const added = await owner.post('/domains', { host: `  ${host.toUpperCase()}. ` })
    added.assertStatus(201)
    assert.equal(added.body().domain.host, host)

    const listed = (await owner.get('/domains')).body()
    assert.deepEqual(listed.domains.map((domain: { host: string }) => domain.host), [host])
    assert.equal(listed.cnameTarget, `${tenant.slug}.localhost`)

    // Visitors and staff reach the venue on its own domain, at the root.
    const venue = await onHost(client, host, '/api').get('/venue')
    venue.assertStatus(200)
    assert.equal(venue.body().venue.slug, tenant.slug)
    ;(await onHost(client, host, '/api').get('/products')).assertStatus(200)

    ;(await owner.delete(`/domains/${added.body().domain.id}`)).assertStatus(204)
    ;(await onHost(client, host, '/api').get('/venue')).assertStatus(404)
    ;(await owner.delete(`/domains/${added.body().domain.id}`)).assertStatus(404)

    const audit = (await owner.get('/audit?subjectType=venue_domain')).body().data
    assert.deepEqual(audit.map((row: { action: string }) => row.action), ['venue_domain.removed', 'venue_domain.added'])
    assert.equal(audit[1].after.host, host)
  })

  test('a domain already bound, to this venue or another, is refused', async ({ client, assert }) => {
    const first = await venueWithOwner(client)
    const second = await venueWithOwner(client)
    const host = uniqueHost('shared')
    ;(await first.owner.post('/domains', { host })).assertStatus(201)

    for (const [agent, message] of [[second.owner, /another venue/], [first.owner, /already bound to this venue/]] as const) {
      const response = await agent.post('/domains', { host: host.toUpperCase() })
      response.assertStatus(422)
      assert.deepInclude(response.body().errors[0], { field: 'host', code: 'E_DOMAIN_TAKEN' })
      assert.match(response.body().errors[0].message, message)
    }
    // The first venue keeps it.
    assert.equal((await onHost(client, host, '/api').get('/venue')).body().venue.slug, first.tenant.slug)
    assert.deepEqual((await second.owner.get('/domains')).body().domains, [])

    // Two venues racing for one host: exactly one wins.
    const contested = uniqueHost('race')
    const results = await Promise.all([first.owner.post('/domains', { host: contested }), second.owner.post('/domains', { host: contested })])
    assert.sameMembers(results.map((response) => response.status()), [201, 422])
  })

  test("the platform's own hosts, addresses and malformed names are refused", async ({ client, assert }) => {
    const { owner } = await venueWithOwner(client)
    const refused: [string, string][] = [
      ['localhost', 'E_DOMAIN_PLATFORM'],
      ['other-venue.localhost', 'E_DOMAIN_PLATFORM'],
      ['a.b.localhost', 'E_DOMAIN_PLATFORM'],
      ['10.1.2.3', 'E_DOMAIN_INVALID'],
      ['http://tickets.example.com/', 'E_DOMAIN_INVALID'],
      ['tickets.example.com:8080', 'E_DOMAIN_INVALID'],
      ['no_underscores.example.com', 'E_DOMAIN_INVALID'],
      ['-dash.example.com', 'E_DOMAIN_INVALID'],
      ['single', 'E_DOMAIN_INVALID'],
      [`${'a'.repeat(64)}.example.com`, 'E_DOMAIN_INVALID'],
    ]
    for (const [host, code] of refused) {
      const response = await owner.post('/domains', { host })
      response.assertStatus(422)
      assert.deepInclude(response.body().errors[0], { field: 'host', code }, host)
    }
    ;(await owner.post('/domains', {})).assertStatus(422)

    // An internationalised name is stored in its punycode form.
    const idn = await owner.post('/domains', { host: `票务-${process.pid}.例子.中国` })
    idn.assertStatus(201)
    assert.match(idn.body().domain.host, /^xn--.*\.xn--.*\.xn--/)
    assert.lengthOf((await owner.get('/domains')).body().domains, 1)
  })
})
