/*
 * The price calendar over HTTP: price rules and calendar days in the console, each day's prices
 * for visitors. Products and sessions are inserted directly (the catalog console API is not
 * needed for prices).
 */
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import Product from '#catalog/models/product'
import Session from '#catalog/models/session'
import Site from '#catalog/models/site'
import { runInTenant } from '#tenancy/services/tenant_database'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

const PASSWORD = 'desk-shift-2024'
const BASE_PRICE = 12000

/** A venue with a product on sale, a draft product, and a session at the product's site and at another. */
async function pricedVenue(client: ApiClient) {
  const venue = await createTenant()
  const catalog = await runInTenant(venue.tenant, async (trx) => {
    const options = { client: trx }
    const site = await Site.create({ name: 'Main gate', timezone: 'Asia/Shanghai' }, options)
    const otherSite = await Site.create({ name: 'North gate', timezone: 'Asia/Shanghai' }, options)
    const product = await Product.create({ siteId: site.id, name: 'Adult', kind: 'adult', basePrice: BASE_PRICE, status: 'on_sale' }, options)
    const draft = await Product.create({ siteId: site.id, name: 'Night tour', kind: 'adult', basePrice: 5000 }, options)
    const startsAt = DateTime.fromISO('2025-10-01T09:00:00', { zone: 'Asia/Shanghai' })
    const sessionAt = (siteId: number) => Session.create({ siteId, kind: 'slot', startsAt, endsAt: startsAt.plus({ hours: 2 }) }, options)
    const session = await sessionAt(site.id)
    const elsewhere = await sessionAt(otherSite.id)
    return { productId: product.id, draftId: draft.id, sessionId: session.id, elsewhereSessionId: elsewhere.id }
  })
  const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
  return { ...venue, ...catalog, owner, visitor: new Agent(client, `/t/${venue.tenant.slug}/api`) }
}

test.group('Price rules (console)', () => {
  test('the owner creates, lists, changes and deletes rules, each change audited', async ({ client, assert }) => {
    const { owner, productId, sessionId } = await pricedVenue(client)
    const rules = `/products/${productId}/price-rules`

    const created = await owner.post(rules, { dayKind: 'weekend', dateFrom: '2025-10-01', dateTo: '2025-10-31', price: 15000, memberPrice: 13500 })
    created.assertStatus(201)
    const rule = created.body().priceRule
    assert.deepInclude(rule, { productId, sessionId: null, dateFrom: '2025-10-01', dateTo: '2025-10-31', dayKind: 'weekend', price: 15000, memberPrice: 13500 })
    const forSession = (await owner.post(rules, { sessionId, price: 9900 })).body().priceRule
    assert.deepInclude(forSession, { sessionId, dayKind: 'any', dateFrom: null, dateTo: null, memberPrice: null })

    const listed = await owner.get(rules)
    listed.assertStatus(200)
    assert.deepEqual(listed.body().priceRules.map((r: { id: number }) => r.id), [rule.id, forSession.id])

    // Only what is given changes; null clears a condition.
    const changed = await owner.patch(`/price-rules/${rule.id}`, { price: 16000, dateTo: null })
    changed.assertStatus(200)
    assert.deepInclude(changed.body().priceRule, { price: 16000, memberPrice: 13500, dateFrom: '2025-10-01', dateTo: null, dayKind: 'weekend' })

    ;(await owner.delete(`/price-rules/${forSession.id}`)).assertStatus(204)
    assert.lengthOf((await owner.get(rules)).body().priceRules, 1)

    const audit = async (action: string) => (await owner.get(`/audit?action=${action}&subjectType=price_rule`)).body().data
    const createdRows = await audit('price_rule.created')
    assert.sameMembers(createdRows.map((row: { subjectId: string }) => row.subjectId), [String(rule.id), String(forSession.id)])
    const [updated] = await audit('price_rule.updated')
    assert.deepInclude(updated.before, { price: 15000, dateTo: '2025-10-31' })
    assert.deepInclude(updated.after, { price: 16000, dateTo: null })
    const [deleted] = await audit('price_rule.deleted')
    assert.deepInclude(deleted, { subjectId: String(forSession.id), after: null })
    assert.deepInclude(deleted.before, { sessionId, price: 9900 })
  })

  test('refuses invalid rules with field errors, and unknown products and rules', async ({ client, assert }) => {
    const { owner, productId, elsewhereSessionId } = await pricedVenue(client)
    const rules = `/products/${productId}/price-rules`
    const cases = [
      [{ price: -1 }, 'price'],
      [{ price: 99.5 }, 'price'],
      [{ price: 2_147_483_648 }, 'price'],
      [{ price: 'free' }, 'price'],
      [{ price: undefined }, 'price'],
      [{ memberPrice: -100 }, 'memberPrice'],
      [{ dayKind: 'sometimes' }, 'dayKind'],
      [{ dateFrom: '2025-02-30' }, 'dateFrom'],
      [{ dateTo: '10/31/2025' }, 'dateTo'],
      [{ dateFrom: '2025-10-31', dateTo: '2025-10-01' }, 'dateTo'],
      [{ sessionId: 987654 }, 'sessionId'],
      [{ sessionId: elsewhereSessionId }, 'sessionId'],
    ] as const
    for (const [override, field] of cases) {
      const response = await owner.post(rules, { price: 10000, ...override })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(override))
    }
    assert.lengthOf((await owner.get(rules)).body().priceRules, 0)

    // The range is checked against the rule's stored dates too.
    const { priceRule } = (await owner.post(rules, { dateFrom: '2025-10-10', price: 10000 })).body()
    const backwards = await owner.patch(`/price-rules/${priceRule.id}`, { dateTo: '2025-10-09' })
    backwards.assertStatus(422)
    assert.deepInclude(backwards.body().errors[0], { field: 'dateTo', code: 'E_DATE_RANGE' })
    ;(await owner.patch(`/price-rules/${priceRule.id}`, { price: -5 })).assertStatus(422)
    assert.equal((await owner.get(rules)).body().priceRules[0].price, 10000)

    const missing = await owner.post('/products/987654/price-rules', { price: 10000 })
    missing.assertStatus(404)
    assert.equal(missing.body().errors[0].code, 'E_PRODUCT_NOT_FOUND')
    ;(await owner.get('/products/987654/price-rules')).assertStatus(404)
    ;(await owner.patch('/price-rules/987654', { price: 1 })).assertStatus(404)
    ;(await owner.delete('/price-rules/987654')).assertStatus(404)

    const audited = (await owner.get('/audit?subjectType=price_rule')).body().data
    assert.deepEqual(audited.map((row: { action: string }) => row.action), ['price_rule.created'])
  })

  test('calendar days: marked, renamed, listed and unmarked, each change audited', async ({ client, assert }) => {
    const { owner } = await pricedVenue(client)
    const holiday = await owner.put('/calendar-days/2025-10-01', { kind: 'holiday', name: '国庆节' })
    holiday.assertStatus(200)
    assert.deepEqual(holiday.body().calendarDay, { day: '2025-10-01', kind: 'holiday', name: '国庆节' })
    ;(await owner.put('/calendar-days/2025-09-28', { kind: 'workday', name: '调休' })).assertStatus(200)
    ;(await owner.put('/calendar-days/2025-10-01', { kind: 'holiday', name: 'National Day' })).assertStatus(200)
    ;(await owner.put('/calendar-days/2025-12-25', { kind: 'holiday' })).assertStatus(200)

    const listed = await owner.get('/calendar-days?from=2025-09-01&to=2025-10-31')
    listed.assertStatus(200)
    assert.deepEqual(listed.body().calendarDays, [
      { day: '2025-09-28', kind: 'workday', name: '调休' },
      { day: '2025-10-01', kind: 'holiday', name: 'National Day' },
    ])

    ;(await owner.delete('/calendar-days/2025-09-28')).assertStatus(204)
    ;(await owner.delete('/calendar-days/2025-09-28')).assertStatus(404)
    assert.lengthOf((await owner.get('/calendar-days?from=2025-09-01&to=2025-12-31')).body().calendarDays, 2)

    for (const [path, body, field] of [
      ['/calendar-days/2025-10-02', { kind: 'festival' }, 'kind'],
      ['/calendar-days/2025-10-02', { name: 'No kind' }, 'kind'],
      ['/calendar-days/2025-02-30', { kind: 'holiday' }, 'params.date'],
    ] as const) {
      const response = await owner.put(path, body)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, path)
    }
    ;(await owner.delete('/calendar-days/2025-02-30')).assertStatus(422)
    ;(await owner.get('/calendar-days?from=2025-10-31&to=2025-10-01')).assertStatus(422)
    ;(await owner.get('/calendar-days?from=2025-10-01')).assertStatus(422)

    const rows = (await owner.get('/audit?subjectType=calendar_day')).body().data
    assert.deepEqual(
      rows.map((row: { action: string; subjectId: string }) => `${row.action} ${row.subjectId}`),
      [
        'calendar_day.deleted 2025-09-28',
        'calendar_day.created 2025-12-25',
        'calendar_day.updated 2025-10-01',
        'calendar_day.created 2025-09-28',
        'calendar_day.created 2025-10-01',
      ]
    )
    assert.deepEqual(rows[2].before, { day: '2025-10-01', kind: 'holiday', name: '国庆节' })
    assert.deepEqual(rows[2].after, { day: '2025-10-01', kind: 'holiday', name: 'National Day' })
  })

  test('box office staff and read-only tokens see prices but cannot change them', async ({ client, assert }) => {
    const { owner, tenant, productId } = await pricedVenue(client)
    const rules = `/products/${productId}/price-rules`
    const { priceRule } = (await owner.post(rules, { price: 10000 })).body()
    await owner.put('/calendar-days/2025-10-01', { kind: 'holiday' })
    const { staff } = (
      await owner.post('/staff', { fullName: 'Desk', email: `desk@${tenant.slug}.test`, password: PASSWORD, roles: ['box_office'] })
    ).body()
    const desk = await consoleAgent(client, tenant.slug, `desk@${tenant.slug}.test`, PASSWORD)
    const { token } = (await owner.post('/tokens', { name: 'Price board', abilities: ['catalog:read'] })).body()
    const readOnlyToken = new Agent(client, `/t/${tenant.slug}/console/api`, { authorization: `Bearer ${token.plainToken}` })

    for (const agent of [desk, readOnlyToken]) {
      ;(await agent.get(rules)).assertStatus(200)
      ;(await agent.get('/calendar-days?from=2025-10-01&to=2025-10-31')).assertStatus(200)
      for (const response of [
        await agent.post(rules, { price: 1 }),
        await agent.patch(`/price-rules/${priceRule.id}`, { price: 1 }),
        await agent.delete(`/price-rules/${priceRule.id}`),
        await agent.put('/calendar-days/2025-10-02', { kind: 'holiday' }),
        await agent.delete('/calendar-days/2025-10-01'),
      ]) {
        response.assertStatus(403)
        assert.equal(response.body().errors[0].code, 'E_PERMISSION_DENIED')
      }
    }
    ;(await client.get(`/t/${tenant.slug}/console/api${rules}`).header('accept', 'application/json')).assertStatus(401)

    assert.deepInclude((await owner.get(rules)).body().priceRules[0], { id: priceRule.id, price: 10000 })
    const denials = (await owner.get(`/audit?action=authz.denied&actorId=${staff.id}`)).body().data
    assert.lengthOf(denials, 5)
    assert.isTrue(denials.every((row: { meta: { permission: string } }) => row.meta.permission === 'catalog:write'))
  })
})

test.group('Prices (visitor)', () => {
  test("anyone sees each day's price and member price of a product on sale", async ({ client, assert }) => {
    const { owner, visitor, productId, sessionId } = await pricedVenue(client)
    const rules = `/products/${productId}/price-rules`
    await owner.post(rules, { dayKind: 'weekend', price: 15000, memberPrice: 13500 })
    await owner.post(rules, { dayKind: 'holiday', price: 18000 })
    await owner.post(rules, { dateFrom: '2025-10-08', dateTo: '2025-10-08', price: 9000 })
    await owner.post(rules, { sessionId, price: 1 })
    await owner.put('/calendar-days/2025-09-28', { kind: 'workday', name: '调休' })
    await owner.put('/calendar-days/2025-10-01', { kind: 'holiday', name: '国庆节' })

    const response = await visitor.get(`/products/${productId}/prices?from=2025-09-27&to=2025-10-08`)
    response.assertStatus(200)
    const prices = response.body().prices
    assert.lengthOf(prices, 12)
    assert.deepEqual(prices.slice(0, 3), [
      { date: '2025-09-27', price: 15000, memberPrice: 13500 },
      { date: '2025-09-28', price: BASE_PRICE, memberPrice: BASE_PRICE },
      { date: '2025-09-29', price: BASE_PRICE, memberPrice: BASE_PRICE },
    ])
    assert.deepEqual(prices[4], { date: '2025-10-01', price: 18000, memberPrice: 18000 })
    assert.deepEqual(prices[7], { date: '2025-10-04', price: 15000, memberPrice: 13500 })
    assert.deepEqual(prices[11], { date: '2025-10-08', price: 9000, memberPrice: 9000 })
  })

  test('only products on sale, and ranges in order of at most 366 days', async ({ client, assert }) => {
    const { visitor, productId, draftId } = await pricedVenue(client)
    for (const id of [draftId, 987654]) {
      const response = await visitor.get(`/products/${id}/prices?from=2025-10-01&to=2025-10-07`)
      response.assertStatus(404)
      assert.equal(response.body().errors[0].code, 'E_PRODUCT_NOT_FOUND')
    }

    const leapYear = await visitor.get(`/products/${productId}/prices?from=2028-01-01&to=2028-12-31`)
    leapYear.assertStatus(200)
    assert.lengthOf(leapYear.body().prices, 366)

    for (const [query, field] of [
      ['from=2028-01-01&to=2029-01-01', 'to'],
      ['from=2025-10-07&to=2025-10-01', 'to'],
      ['from=2025-10-01', 'to'],
      ['from=2025-13-01&to=2025-12-31', 'from'],
    ] as const) {
      const response = await visitor.get(`/products/${productId}/prices?${query}`)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, query)
    }
  })
})
