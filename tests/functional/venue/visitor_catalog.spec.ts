import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Session from '#catalog/models/session'
import Quota from '#inventory/models/quota'
import { seedSale } from '#tests/helpers/catalog'
import { connectSandboxMerchants } from '#sandbox/sandbox_merchants'
import { connectSandboxOfficialAccount } from '#wechat/services/sandbox_official_account'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import { onHost, png, upload, venueWithOwner } from '#tests/functional/venue/fixtures'

/** One more open session of the site `hours` from now, with a quota of `capacity` (`sold` already sold) for the products. */
async function addSession(tenant: Tenant, siteId: number, productIds: number[], hours: number, capacity: number, sold = 0) {
  return runInTenant(tenant, async (trx) => {
    const startsAt = DateTime.now().plus({ hours }).startOf('hour')
    const session = await Session.create({ siteId, zoneId: null, kind: 'slot', startsAt, endsAt: startsAt.plus({ hours: 1 }), status: 'open' }, { client: trx })
    const quota = await Quota.create({ sessionId: session.id, name: 'Extra', capacity, held: 0, sold }, { client: trx })
    await trx.table('quota_products').multiInsert(productIds.map((productId) => ({ quota_id: quota.id, product_id: productId })))
    return session
  })
}

test.group('Visitor venue and catalog', () => {
  test('GET /api/venue: defaults for a new venue, then its payment channels and official account', async ({ client, assert }) => {
    const { tenant, owner, token } = await venueWithOwner(client)
    const fresh = await client.get(`/t/${tenant.slug}/api/venue`)
    fresh.assertStatus(200)
    assert.isUndefined(fresh.header('set-cookie'))
    assert.deepEqual(fresh.body(), {
      venue: {
        slug: tenant.slug,
        name: tenant.name,
        venueType: 'scenic',
        logoUrl: null,
        themeColor: '#1989fa',
        banners: [],
        notice: null,
        intro: null,
        openingHours: null,
        address: null,
        location: null,
        mapUrl: null,
        phone: null,
        defaultLocale: 'zh-CN',
      },
      payment: { channels: [] },
      wechat: { oauth: false },
    })

    await connectSandboxMerchants(tenant, { kinds: ['wechat_pay', 'alipay'] })
    await connectSandboxOfficialAccount(tenant)
    const connected = (await client.get(`/t/${tenant.slug}/api/venue`)).body()
    assert.deepEqual(connected.payment.channels, ['alipay', 'wechat_pay'])
    assert.isTrue(connected.wechat.oauth)

    // On the venue's own host its URLs start at the root; on the prefix, under it.
    const { image } = (await upload(client, tenant.slug, token, png(32, 32), 'logo.png', 'image/png')).body()
    await owner.put('/venue-profile', { logoImageId: image.id })
    const onOwnHost = (await onHost(client, `${tenant.slug}.localhost`, '/api').get('/venue')).body()
    assert.match(onOwnHost.venue.logoUrl, /^\/media\/\d+-[0-9a-f]{12}\.png$/)
    assert.equal((await client.get(`/t/${tenant.slug}/api/venue`)).body().venue.logoUrl, `/t/${tenant.slug}${onOwnHost.venue.logoUrl}`)
  })

  test('GET /api/products: on sale in the window, from price over 30 days of sessions with places, badges', async ({ client, assert }) => {
    const { tenant, owner } = await venueWithOwner(client)
    const sale = await seedSale(tenant, {
      products: [{ price: 8000 }, { kind: 'free', price: 0 }, { price: 5000 }, { price: 3000 }, { price: 7000 }, { price: 6000 }, { price: 4000, kind: 'child' }, { price: 9000 }, { price: 2000 }],
      quotas: [
        { capacity: 100, products: [0] },
        { capacity: 50, products: [1] },
        { capacity: 5, products: [2] },
        { capacity: 100, products: [3] },
        { capacity: 10, products: [4, 5, 8] },
        { capacity: 1000, products: [7] },
      ],
    })
    const [normal, free, soldOut, fewLeft, draft, notYet, later, tenPercent, offSale] = sale.products.map((product) => product.id)
    await runInTenant(tenant, async (trx) => {
      const [, , q2, q3, , q7] = sale.quotas
      await trx.from('quotas').where('id', q2.id).update({ sold: 3, held: 2 })
      await trx.from('quotas').where('id', q3.id).update({ sold: 85 })
      await trx.from('quotas').where('id', q7.id).update({ sold: 950 })
      await trx.from('products').where('id', draft).update({ status: 'draft' })
      await trx.from('products').where('id', offSale).update({ status: 'off_sale' })
      await trx.from('products').where('id', notYet).update({ sale_starts_at: DateTime.now().plus({ days: 1 }).toJSDate() })
    })
    // The normal ticket: cheaper at a second session (a session price rule), cheapest at a full one (not counted).
    const second = await addSession(tenant, sale.site.id, [normal], 48, 100)
    const full = await addSession(tenant, sale.site.id, [normal], 72, 10, 10)
    const beyond = await addSession(tenant, sale.site.id, [later], 24 * 40, 10)
    for (const [session, price] of [[second, 6500], [full, 1000], [beyond, 100]] as const) {
      const productId = session === beyond ? later : normal
      ;(await owner.post(`/products/${productId}/price-rules`, { sessionId: session.id, price })).assertStatus(201)
    }

    const response = await client.get(`/t/${tenant.slug}/api/products`)
    response.assertStatus(200)
    assert.isUndefined(response.header('set-cookie'))
    const products: any[] = response.body().products
    const summary = products.map((product) => [product.id, product.fromPrice, product.badges])
    assert.deepEqual(summary, [
      [normal, 6500, []],
      [free, 0, ['free']],
      [soldOut, null, ['sold_out']],
      [fewLeft, 3000, ['few_left']],
      [later, null, []],
      [tenPercent, 9000, ['few_left']],
    ])
    assert.deepEqual(products[0], {
      id: normal,
      name: 'Ticket 1',
      kind: 'adult',
      description: null,
      images: [],
      coverUrl: null,
      seating: 'general',
      validity: 'session',
      realNameRequired: false,
      minPerOrder: 1,
      maxPerOrder: 10,
      partyMin: null,
      partyMax: null,
      refundable: true,
      changeable: false,
      refundTiers: [],
      siteName: 'Main gate',
      fromPrice: 6500,
      badges: [],
    })

    const detail = await client.get(`/t/${tenant.slug}/api/products/${fewLeft}`)
    detail.assertStatus(200)
    assert.deepInclude(detail.body().product, { id: fewLeft, fromPrice: 3000, badges: ['few_left'], site: { id: sale.site.id, name: 'Main gate', address: null } })
    for (const hidden of [draft, offSale, notYet, 999_999]) {
      const missing = await client.get(`/t/${tenant.slug}/api/products/${hidden}`)
      missing.assertStatus(404)
      assert.equal(missing.body().errors[0].code, 'E_PRODUCT_NOT_FOUND')
    }
  })

  test('a venue with nothing on sale lists nothing, and venues never see each other’s products', async ({ client, assert }) => {
    const empty = await venueWithOwner(client)
    const selling = await venueWithOwner(client)
    const sale = await seedSale(selling.tenant)
    assert.deepEqual((await client.get(`/t/${empty.tenant.slug}/api/products`)).body(), { products: [] })
    ;(await client.get(`/t/${empty.tenant.slug}/api/products/${sale.products[0].id}`)).assertStatus(404)
    assert.lengthOf((await client.get(`/t/${selling.tenant.slug}/api/products`)).body().products, 1)
  })
})
