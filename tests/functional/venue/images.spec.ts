import { test } from '@japa/runner'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'
import { runInTenant } from '#tenancy/services/tenant_database'
import { jpeg, onHost, png, upload, venueWithOwner, webp } from '#tests/functional/venue/fixtures'

test.group('Venue images', () => {
  test('PNG, JPEG and WebP are recognised by their bytes, with their size; the same bytes are stored once', async ({ client, assert }) => {
    const { tenant, owner, token } = await venueWithOwner(client)
    const base = `/t/${tenant.slug}`

    const logo = await upload(client, tenant.slug, token, png(120, 40), 'logo.png', 'image/png')
    logo.assertStatus(201)
    assert.match(logo.body().image.url, new RegExp(`^${base}/media/\\d+-[0-9a-f]{12}\\.png$`))
    assert.deepInclude(logo.body().image, { contentType: 'image/png', width: 120, height: 40 })

    // The name and the claimed type do not matter: the bytes do.
    const photo = await upload(client, tenant.slug, token, jpeg(), 'photo.png', 'application/octet-stream')
    photo.assertStatus(201)
    assert.deepInclude(photo.body().image, { contentType: 'image/jpeg', width: 2, height: 1, byteSize: jpeg().length })
    assert.match(photo.body().image.url, /\.jpg$/)

    const banner = await upload(client, tenant.slug, token, webp(), 'banner.webp', 'image/webp')
    banner.assertStatus(201)
    assert.deepInclude(banner.body().image, { contentType: 'image/webp', width: 640, height: 360 })

    const again = await upload(client, tenant.slug, token, png(120, 40), 'copy.png', 'image/png')
    again.assertStatus(200)
    assert.equal(again.body().image.id, logo.body().image.id)

    const listed = (await owner.get('/venue-images')).body().images
    assert.deepEqual(listed.map((image: { id: number }) => image.id).sort(), [logo, photo, banner].map((r) => r.body().image.id).sort())
    const audit = (await owner.get('/audit?action=venue_image.uploaded')).body().data
    assert.lengthOf(audit, 3)
  })

  test('SVG, HTML named .png, other files and images over 2 MB are refused', async ({ client, assert }) => {
    const { tenant, owner, token } = await venueWithOwner(client)
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>')
    const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')
    const oversize = Buffer.concat([png(10, 10), Buffer.alloc(2 * 1024 * 1024)])
    const cases: [Buffer, string, string, string][] = [
      [svg, 'logo.svg', 'image/svg+xml', 'E_IMAGE_TYPE'],
      [html, 'banner.png', 'image/png', 'E_IMAGE_TYPE'],
      [Buffer.from('GIF89a\x01\x00\x01\x00'), 'a.gif', 'image/gif', 'E_IMAGE_TYPE'],
      [png(10, 10).subarray(0, 20), 'cut.png', 'image/png', 'E_IMAGE_TYPE'],
      [oversize, 'big.png', 'image/png', 'E_IMAGE_TOO_LARGE'],
    ]
    for (const [bytes, name, type, code] of cases) {
      const response = await upload(client, tenant.slug, token, bytes, name, type)
      response.assertStatus(422)
      assert.deepInclude(response.body().errors[0], { field: 'file', code }, name)
    }
    const missing = await client.post(`/t/${tenant.slug}/console/api/venue-images`).header('authorization', `Bearer ${token}`).header('accept', 'application/json').json({})
    missing.assertStatus(422)
    assert.equal(missing.body().errors[0].code, 'E_IMAGE_MISSING')
    assert.deepEqual((await owner.get('/venue-images')).body().images, [])
  })

  test('media is served immutable, typed, nosniff and without cookies, on the prefix and the venue host', async ({ client, assert }) => {
    const { tenant, token } = await venueWithOwner(client)
    const bytes = png(16, 16, [10, 20, 30])
    const { image } = (await upload(client, tenant.slug, token, bytes, 'x.png', 'image/png')).body()

    for (const response of [
      await client.get(image.url),
      // A visitor's browser sends its cookies: still no session is started or renewed.
      await client.get(image.url).header('cookie', 'adonis-session=s%3Aabc; XSRF-TOKEN=xyz'),
      await onHost(client, `${tenant.slug}.localhost`, '').get(image.url.slice(`/t/${tenant.slug}`.length)),
    ]) {
      response.assertStatus(200)
      assert.equal(response.header('content-type'), 'image/png')
      assert.equal(response.header('cache-control'), 'public, max-age=31536000, immutable')
      assert.equal(response.header('x-content-type-options'), 'nosniff')
      assert.isUndefined(response.header('set-cookie'))
      assert.isTrue(Buffer.isBuffer(response.body()) && bytes.equals(response.body()))
    }

    const [, id, hash] = /\/media\/(\d+)-([0-9a-f]{12})\.png$/.exec(image.url)!
    for (const wrong of [`${id}-000000000000.png`, `${id}-${hash}.jpg`, `${Number(id) + 1000}-${hash}.png`, 'secret.txt', `${id}-${hash}.png.html`]) {
      ;(await client.get(`/t/${tenant.slug}/media/${wrong}`)).assertStatus(404)
    }
    // Another venue's prefix does not reach this venue's images.
    const other = await createTenant()
    ;(await client.get(`/t/${other.tenant.slug}/media/${id}-${hash}.png`)).assertStatus(404)
  })

  test('an image in use (logo, banner, product picture) cannot be deleted; an unused one can', async ({ client, assert }) => {
    const { tenant, owner, token } = await venueWithOwner(client)
    const images = []
    for (const color of [[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]] as [number, number, number][]) {
      images.push((await upload(client, tenant.slug, token, png(4, 4, color), 'i.png', 'image/png')).body().image)
    }
    const [logo, banner, pictured, unused] = images
    await owner.put('/venue-profile', { logoImageId: logo.id })
    await owner.put('/venue-banners', { banners: [{ imageId: banner.id }] })
    const sale = await seedSale(tenant)
    await runInTenant(tenant, (trx) =>
      trx.from('products').where('id', sale.products[0].id).update({ images: JSON.stringify([`https://${tenant.slug}.example.cn${pictured.url.slice(`/t/${tenant.slug}`.length)}`]) })
    )

    for (const [image, place] of [[logo, 'logo'], [banner, 'banners'], [pictured, 'products']]) {
      const response = await owner.delete(`/venue-images/${image.id}`)
      response.assertStatus(409)
      assert.deepInclude(response.body().errors[0], { code: 'E_IMAGE_IN_USE', usedBy: [place] })
    }
    ;(await owner.delete(`/venue-images/${unused.id}`)).assertStatus(204)
    ;(await owner.delete(`/venue-images/${unused.id}`)).assertStatus(404)
    ;(await client.get(unused.url)).assertStatus(404)

    // Once the logo is replaced, the old one can go.
    await owner.put('/venue-profile', { logoImageId: null })
    ;(await owner.delete(`/venue-images/${logo.id}`)).assertStatus(204)
    const [deleted] = (await owner.get('/audit?action=venue_image.deleted')).body().data
    assert.equal(deleted.subjectId, String(logo.id))
  })
})
