import { test } from '@japa/runner'
import { consoleAgent } from '#tests/helpers/tenants'
import { png, upload, venueWithOwner } from '#tests/functional/venue/fixtures'

const PASSWORD = 'marketing-desk-2024'

test.group('Venue profile (console)', () => {
  test('a new venue has a default profile; changes are saved, shown to visitors and audited', async ({ client, assert }) => {
    const { tenant, owner, token } = await venueWithOwner(client)

    const initial = await owner.get('/venue-profile')
    initial.assertStatus(200)
    assert.deepInclude(initial.body().profile, {
      displayName: null,
      name: tenant.name,
      themeColor: '#1989fa',
      defaultLocale: 'zh-CN',
      latitude: null,
      longitude: null,
      logoImageId: null,
      logoUrl: null,
    })
    assert.deepEqual(initial.body().banners, [])

    const logo = (await upload(client, tenant.slug, token, png(64, 64), 'logo.png', 'image/png')).body().image
    const saved = await owner.put('/venue-profile', {
      displayName: '  Lakeside Gardens  ',
      intro: '湖畔花园',
      notice: '周一闭园 Closed on Mondays',
      openingHours: '08:00–18:00',
      address: '杭州市西湖区湖畔路 1 号',
      latitude: 30.2467,
      longitude: 120.1485,
      phone: '0571-8888 6666',
      themeColor: '#C0392B',
      logoImageId: logo.id,
      defaultLocale: 'en',
    })
    saved.assertStatus(200)
    assert.deepInclude(saved.body().profile, {
      displayName: 'Lakeside Gardens',
      name: 'Lakeside Gardens',
      themeColor: '#c0392b',
      latitude: 30.2467,
      longitude: 120.1485,
      logoImageId: logo.id,
      logoUrl: logo.url,
      defaultLocale: 'en',
    })

    // A partial update keeps the other fields; null clears one.
    const partial = await owner.put('/venue-profile', { notice: null, displayName: null })
    partial.assertStatus(200)
    assert.deepInclude(partial.body().profile, { notice: null, name: tenant.name, intro: '湖畔花园', themeColor: '#c0392b' })

    const { venue } = (await client.get(`/t/${tenant.slug}/api/venue`)).body()
    assert.match(logo.url, new RegExp(`^/t/${tenant.slug}/media/${logo.id}-[0-9a-f]{12}\\.png$`))
    assert.equal(venue.logoUrl, logo.url)
    assert.deepEqual(venue.location, { lat: 30.2467, lng: 120.1485 })
    const map = new URL(venue.mapUrl)
    assert.equal(`${map.origin}${map.pathname}`, 'https://uri.amap.com/marker')
    assert.equal(map.searchParams.get('position'), '120.1485,30.2467')
    assert.equal(map.searchParams.get('name'), tenant.name)

    const audit = (await owner.get('/audit?action=venue_profile.updated')).body().data
    assert.lengthOf(audit, 2)
    assert.deepInclude(audit[1].before, { themeColor: '#1989fa', displayName: null })
    assert.deepInclude(audit[1].after, { themeColor: '#c0392b', displayName: 'Lakeside Gardens' })
    assert.deepInclude(audit[0].after, { notice: null, displayName: null })
  })

  test('bad input is refused field by field and changes nothing', async ({ client, assert }) => {
    const { owner } = await venueWithOwner(client)
    const refused: [Record<string, unknown>, string][] = [
      [{ themeColor: 'red' }, 'themeColor'],
      [{ themeColor: '#12345' }, 'themeColor'],
      [{ latitude: 91, longitude: 120 }, 'latitude'],
      [{ latitude: 30, longitude: -181 }, 'longitude'],
      [{ latitude: 30 }, 'longitude'],
      [{ defaultLocale: 'fr' }, 'defaultLocale'],
      [{ displayName: 'x'.repeat(101) }, 'displayName'],
      [{ notice: 'x'.repeat(1001) }, 'notice'],
      [{ phone: 'call me' }, 'phone'],
      [{ logoImageId: 999_999 }, 'logoImageId'],
    ]
    for (const [body, field] of refused) {
      const response = await owner.put('/venue-profile', body)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(body))
    }
    const { profile } = (await owner.get('/venue-profile')).body()
    assert.deepInclude(profile, { themeColor: '#1989fa', latitude: null, longitude: null, defaultLocale: 'zh-CN', displayName: null, notice: null })
    assert.lengthOf((await owner.get('/audit?action=venue_profile.updated')).body().data, 0)
  })

  test('banners are replaced as an ordered list of at most 8, with safe links', async ({ client, assert }) => {
    const { tenant, owner, token } = await venueWithOwner(client)
    const first = (await upload(client, tenant.slug, token, png(30, 10, [200, 0, 0]), 'a.png', 'image/png')).body().image
    const second = (await upload(client, tenant.slug, token, png(30, 10, [0, 200, 0]), 'b.png', 'image/png')).body().image

    const saved = await owner.put('/venue-banners', {
      banners: [
        { imageId: second.id, link: '#/products/3', alt: '春季特惠' },
        { imageId: first.id, link: 'https://example.com/spring' },
        { imageId: first.id, link: '/orders' },
      ],
    })
    saved.assertStatus(200)
    assert.deepEqual(
      saved.body().banners.map((banner: any) => [banner.imageId, banner.link, banner.alt]),
      [
        [second.id, '#/products/3', '春季特惠'],
        [first.id, 'https://example.com/spring', ''],
        [first.id, '/orders', ''],
      ]
    )

    // Visitors get the venue's paths under its base path.
    const { venue } = (await client.get(`/t/${tenant.slug}/api/venue`)).body()
    assert.deepEqual(venue.banners, [
      { imageUrl: second.url, link: `/t/${tenant.slug}/#/products/3`, alt: '春季特惠' },
      { imageUrl: first.url, link: 'https://example.com/spring', alt: '' },
      { imageUrl: first.url, link: `/t/${tenant.slug}/orders`, alt: '' },
    ])

    for (const link of ['javascript:alert(1)', '//evil.example/x', 'data:text/html,hi', 'ftp://example.com/x', '/\\evil.example']) {
      const response = await owner.put('/venue-banners', { banners: [{ imageId: first.id, link }] })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, 'banners.0.link', link)
    }
    const nine = Array.from({ length: 9 }, () => ({ imageId: first.id }))
    ;(await owner.put('/venue-banners', { banners: nine })).assertStatus(422)
    const unknown = await owner.put('/venue-banners', { banners: [{ imageId: first.id }, { imageId: 987_654 }] })
    unknown.assertStatus(422)
    assert.equal(unknown.body().errors[0].field, 'banners.1.imageId')
    assert.lengthOf((await owner.get('/venue-profile')).body().banners, 3)

    ;(await owner.put('/venue-banners', { banners: [] })).assertStatus(200)
    const audit = (await owner.get('/audit?action=venue_banners.replaced')).body().data
    assert.lengthOf(audit, 2)
    assert.lengthOf(audit[0].before, 3)
    assert.deepEqual(audit[0].after, [])
  })

  test('a role without venue:write reads nothing it may not and changes nothing', async ({ client, assert }) => {
    const { tenant, owner, token } = await venueWithOwner(client)
    const image = (await upload(client, tenant.slug, token, png(8, 8), 'x.png', 'image/png')).body().image
    const email = `marketing@${tenant.slug}.test`
    ;(await owner.post('/staff', { fullName: 'Marketing', email, password: PASSWORD, roles: ['marketing'] })).assertStatus(201)
    const marketing = await consoleAgent(client, tenant.slug, email, PASSWORD)

    for (const response of [
      await marketing.get('/venue-profile'),
      await marketing.put('/venue-profile', { themeColor: '#000000' }),
      await marketing.put('/venue-banners', { banners: [] }),
      await marketing.delete(`/venue-images/${image.id}`),
      await marketing.post('/domains', { host: 'tickets.example.com' }),
      await marketing.get('/domains'),
    ]) {
      response.assertStatus(403)
      assert.equal(response.body().errors[0].code, 'E_PERMISSION_DENIED')
    }
    // A token limited to venue:read reads, but cannot write.
    const { token: reader } = (await owner.post('/tokens', { name: 'Reader', abilities: ['venue:read'] })).body()
    ;(await client.get(`/t/${tenant.slug}/console/api/venue-profile`).header('authorization', `Bearer ${reader.plainToken}`)).assertStatus(200)
    ;(await upload(client, tenant.slug, reader.plainToken, png(9, 9), 'y.png', 'image/png')).assertStatus(403)
    assert.equal((await owner.get('/venue-profile')).body().profile.themeColor, '#1989fa')
  })
})
