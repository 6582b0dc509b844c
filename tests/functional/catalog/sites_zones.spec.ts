import { test } from '@japa/runner'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

test.group('Console sites and zones', () => {
  test('the owner creates, lists and changes sites, audited with before and after', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)

    const created = await owner.post('/sites', { name: 'West Lake', address: '1 Lakeside Rd' })
    created.assertStatus(201)
    const site = created.body().site
    assert.deepInclude(site, { name: 'West Lake', address: '1 Lakeside Rd', timezone: 'Asia/Shanghai' })

    const other = await owner.post('/sites', { name: 'Harbour', timezone: 'europe/paris' })
    other.assertStatus(201)
    assert.equal(other.body().site.timezone, 'Europe/Paris')

    const listed = await owner.get('/sites')
    listed.assertStatus(200)
    assert.deepEqual(listed.body().sites.map((s: { name: string }) => s.name), ['West Lake', 'Harbour'])

    const changed = await owner.patch(`/sites/${site.id}`, { name: 'West Lake Park', address: null, timezone: 'Asia/Tokyo' })
    changed.assertStatus(200)
    assert.deepInclude(changed.body().site, { name: 'West Lake Park', address: null, timezone: 'Asia/Tokyo' })

    const [createdRow] = (await owner.get('/audit?action=site.created&subjectType=site')).body().data.filter(
      (row: { subjectId: string }) => row.subjectId === String(site.id)
    )
    assert.equal(createdRow.after.name, 'West Lake')
    assert.equal(createdRow.actorId, String(venue.owner.id))
    const [updatedRow] = (await owner.get('/audit?action=site.updated')).body().data
    assert.equal(updatedRow.before.timezone, 'Asia/Shanghai')
    assert.equal(updatedRow.after.timezone, 'Asia/Tokyo')
  })

  test('refuses a site without a name or with an unknown time zone', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const cases = [
      [{ name: '' }, 'name'],
      [{ name: 'A', timezone: 'Mars/Olympus' }, 'timezone'],
      [{ name: 'A', timezone: '+08:00' }, 'timezone'],
    ] as const
    for (const [body, field] of cases) {
      const response = await owner.post('/sites', body)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(body))
    }
    const { site } = (await owner.post('/sites', { name: 'Park' })).body()
    const refused = await owner.patch(`/sites/${site.id}`, { timezone: 'Nowhere' })
    refused.assertStatus(422)
    assert.equal(refused.body().errors[0].field, 'timezone')
    assert.deepEqual((await owner.get('/sites')).body().sites.map((s: { timezone: string }) => s.timezone), ['Asia/Shanghai'])
    ;(await owner.patch('/sites/999999', { name: 'Nowhere' })).assertStatus(404)
  })

  test('zones belong to a site; a zone in use keeps its kind', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const { site } = (await owner.post('/sites', { name: 'Theatre' })).body()
    const { site: otherSite } = (await owner.post('/sites', { name: 'Museum' })).body()

    const hall = await owner.post(`/sites/${site.id}/zones`, { name: 'Main hall', kind: 'hall' })
    hall.assertStatus(201)
    assert.deepInclude(hall.body().zone, { siteId: site.id, name: 'Main hall', kind: 'hall' })
    const lobby = (await owner.post(`/sites/${site.id}/zones`, { name: 'Lobby', kind: 'area' })).body().zone
    await owner.post(`/sites/${otherSite.id}/zones`, { name: 'Gallery', kind: 'area' })

    const listed = await owner.get(`/sites/${site.id}/zones`)
    listed.assertStatus(200)
    assert.deepEqual(listed.body().zones.map((z: { name: string }) => z.name), ['Main hall', 'Lobby'])
    ;(await owner.get('/sites/999999/zones')).assertStatus(404)

    const badKind = await owner.post(`/sites/${site.id}/zones`, { name: 'Pit', kind: 'stage' })
    badKind.assertStatus(422)
    assert.equal(badKind.body().errors[0].field, 'kind')

    // An unused zone may change kind; once a session uses it, not any more.
    const renamed = await owner.patch(`/zones/${lobby.id}`, { name: 'Foyer', kind: 'hall' })
    renamed.assertStatus(200)
    assert.deepInclude(renamed.body().zone, { name: 'Foyer', kind: 'hall' })
    ;(
      await owner.post('/sessions', {
        siteId: site.id,
        zoneId: lobby.id,
        kind: 'performance',
        startsAt: '2030-05-01T19:30:00+08:00',
        endsAt: '2030-05-01T21:30:00+08:00',
      })
    ).assertStatus(201)
    const refused = await owner.patch(`/zones/${lobby.id}`, { kind: 'area' })
    refused.assertStatus(409)
    assert.equal(refused.body().errors[0].field, 'kind')
    ;(await owner.patch(`/zones/${lobby.id}`, { name: 'Foyer hall' })).assertStatus(200)

    const [zoneRow] = (await owner.get('/audit?action=zone.updated')).body().data
    assert.deepInclude(zoneRow.before, { name: 'Foyer', kind: 'hall' })
    assert.deepInclude(zoneRow.after, { name: 'Foyer hall', kind: 'hall' })
  })

  test('box office staff may read the catalog but not change it', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const email = `desk@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Desk', email, password: 'desk-shift-2024', roles: ['box_office'] })
    const { site } = (await owner.post('/sites', { name: 'Park' })).body()
    const desk = await consoleAgent(client, venue.tenant.slug, email, 'desk-shift-2024')

    ;(await desk.get('/sites')).assertStatus(200)
    ;(await desk.get(`/sites/${site.id}/zones`)).assertStatus(200)
    for (const response of [
      await desk.post('/sites', { name: 'Mine' }),
      await desk.patch(`/sites/${site.id}`, { name: 'Mine' }),
      await desk.post(`/sites/${site.id}/zones`, { name: 'Mine', kind: 'area' }),
    ]) {
      response.assertStatus(403)
      assert.equal(response.body().errors[0].code, 'E_PERMISSION_DENIED')
    }
    assert.deepEqual((await owner.get('/sites')).body().sites.map((s: { name: string }) => s.name), ['Park'])
  })
})
