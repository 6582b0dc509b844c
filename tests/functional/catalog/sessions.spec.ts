import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** A venue's owner with a site in `timezone` and a product there. */
async function scheduleVenue(client: ApiClient, timezone = 'Asia/Shanghai') {
  const venue = await createTenant()
  const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
  const { site } = (await owner.post('/sites', { name: 'Gardens', timezone })).body()
  const { product } = (await owner.post('/products', { siteId: site.id, name: 'Entry', kind: 'adult', basePrice: 4000 })).body()
  return { venue, owner, site, product }
}

function count(tenant: Tenant, table: string) {
  return runInTenant(tenant, async (trx) => Number((await trx.from(table).count('* as total').firstOrFail()).total))
}

const everyDay = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }))

test.group('Console sessions', () => {
  test('creates a performance in a hall with its seats, and an open-date validity range', async ({ client, assert }) => {
    const { venue, owner, site } = await scheduleVenue(client)
    const { zone: hall } = (await owner.post(`/sites/${site.id}/zones`, { name: 'Hall', kind: 'hall' })).body()
    await runInTenant(venue.tenant, (trx) =>
      trx
        .insertQuery()
        .table('seats')
        .multiInsert([
          { zone_id: hall.id, row_label: 'A', seat_label: '1', x: 0, y: 0 },
          { zone_id: hall.id, row_label: 'A', seat_label: '2', x: 1, y: 0 },
          { zone_id: hall.id, row_label: 'A', seat_label: '3', x: 2, y: 0, sellable: false },
        ])
    )

    const created = await owner.post('/sessions', {
      siteId: site.id,
      zoneId: hall.id,
      kind: 'performance',
      name: 'Premiere',
      startsAt: '2030-05-01T19:30:00+08:00',
      endsAt: '2030-05-01T22:00:00+08:00',
    })
    created.assertStatus(201)
    const session = created.body().session
    assert.deepInclude(session, { siteId: site.id, zoneId: hall.id, kind: 'performance', name: 'Premiere', status: 'open' })
    assert.equal(new Date(session.startsAt).toISOString(), '2030-05-01T11:30:00.000Z')
    const seats = await runInTenant(venue.tenant, (trx) => trx.from('session_seats').where('session_id', session.id).orderBy('seat_id'))
    assert.deepEqual(seats.map((seat: { status: string }) => seat.status), ['available', 'available', 'blocked'])

    const validity = await owner.post('/sessions', {
      siteId: site.id,
      kind: 'open_date',
      startsAt: '2030-01-01T00:00:00+08:00',
      endsAt: '2031-01-01T00:00:00+08:00',
    })
    validity.assertStatus(201)
    // A listed range shows what overlaps it: the validity range on any of its days.
    const listed = await owner.get(`/sessions?siteId=${site.id}&from=2030-05-01&to=2030-05-01`)
    listed.assertStatus(200)
    assert.deepEqual(listed.body().sessions.map((s: { kind: string }) => s.kind), ['open_date', 'performance'])

    const [row] = (await owner.get('/audit?action=session.created')).body().data
    assert.equal(row.after.kind, 'open_date')
  })

  test('refuses a session with broken input and stores nothing', async ({ client, assert }) => {
    const { venue, owner, site } = await scheduleVenue(client)
    const { site: otherSite } = (await owner.post('/sites', { name: 'Elsewhere' })).body()
    const { zone: foreignZone } = (await owner.post(`/sites/${otherSite.id}/zones`, { name: 'Far', kind: 'area' })).body()
    const valid = { siteId: site.id, kind: 'slot', startsAt: '2030-05-01T09:00:00+08:00', endsAt: '2030-05-01T10:00:00+08:00' }
    const cases: [Record<string, unknown>, string][] = [
      [{ siteId: 999999 }, 'siteId'],
      [{ zoneId: foreignZone.id }, 'zoneId'],
      [{ kind: 'matinee' }, 'kind'],
      [{ startsAt: '2030-05-01T09:00:00' }, 'startsAt'],
      [{ endsAt: '2030-05-01T08:00:00+08:00' }, 'endsAt'],
      [{ endsAt: '2030-05-01T09:00:00+08:00' }, 'endsAt'],
    ]
    for (const [override, field] of cases) {
      const response = await owner.post('/sessions', { ...valid, ...override })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(override))
    }
    assert.equal(await count(venue.tenant, 'sessions'), 0)
  })

  test('listing needs a site and a range of at most 366 days, read in the site zone', async ({ client, assert }) => {
    const { owner, site } = await scheduleVenue(client)
    const cases: [string, string][] = [
      [`from=2030-01-01&to=2030-01-31`, 'siteId'],
      [`siteId=${site.id}&to=2030-01-31`, 'from'],
      [`siteId=${site.id}&from=2030-01-01`, 'to'],
      [`siteId=${site.id}&from=2030-02-30&to=2030-03-01`, 'from'],
      [`siteId=${site.id}&from=2030-01-31&to=2030-01-01`, 'to'],
      [`siteId=${site.id}&from=2030-01-01&to=2031-01-02`, 'to'],
    ]
    for (const [query, field] of cases) {
      const response = await owner.get(`/sessions?${query}`)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, query)
    }
    // A leap year is 366 days, both ends included.
    ;(await owner.get(`/sessions?siteId=${site.id}&from=2028-01-01&to=2028-12-31`)).assertStatus(200)

    // 00:30 on 2 May in Shanghai is still 1 May in UTC: it belongs to 2 May.
    for (const [startsAt, endsAt] of [
      ['2030-05-01T23:30:00+08:00', '2030-05-01T23:59:00+08:00'],
      ['2030-05-02T00:30:00+08:00', '2030-05-02T01:30:00+08:00'],
    ]) {
      await owner.post('/sessions', { siteId: site.id, kind: 'slot', startsAt, endsAt })
    }
    const secondOfMay = (await owner.get(`/sessions?siteId=${site.id}&from=2030-05-02&to=2030-05-02`)).body().sessions
    assert.deepEqual(secondOfMay.map((s: { startsAt: string }) => new Date(s.startsAt).toISOString()), ['2030-05-01T16:30:00.000Z'])
  })

  test('generates a year of hourly slots in the site zone with their quotas, fast and idempotently', async ({ client, assert }) => {
    const { venue, owner, site, product } = await scheduleVenue(client)
    const { product: child } = (await owner.post('/products', { siteId: site.id, name: 'Child', kind: 'child', basePrice: 2000 })).body()
    const weekly = [9, 10, 11, 12, 13, 14, 15, 16].flatMap((hour) => everyDay(`${String(hour).padStart(2, '0')}:00`, `${String(hour).padStart(2, '0')}:50`))
    const template = {
      siteId: site.id,
      kind: 'slot',
      from: '2030-01-01',
      to: '2030-12-31',
      weekly,
      quotas: [
        { name: 'All visitors', capacity: 200, productIds: [product.id, child.id] },
        { name: 'Children', capacity: 50, productIds: [child.id] },
      ],
    }

    const started = performance.now()
    const generated = await owner.post('/sessions/generate', template)
    const elapsed = performance.now() - started
    generated.assertStatus(201)
    assert.deepEqual(generated.body(), { created: 365 * 8, skipped: 0 })
    assert.isBelow(elapsed, 5000, `took ${Math.round(elapsed)} ms`)

    assert.equal(await count(venue.tenant, 'sessions'), 365 * 8)
    assert.equal(await count(venue.tenant, 'quotas'), 365 * 8 * 2)
    assert.equal(await count(venue.tenant, 'quota_products'), 365 * 8 * 3)

    // 09:00 in Shanghai is 01:00 UTC, on the first and the last day.
    const firstDay = (await owner.get(`/sessions?siteId=${site.id}&from=2030-01-01&to=2030-01-01`)).body().sessions
    assert.lengthOf(firstDay, 8)
    assert.equal(new Date(firstDay[0].startsAt).toISOString(), '2030-01-01T01:00:00.000Z')
    assert.equal(new Date(firstDay[0].endsAt).toISOString(), '2030-01-01T01:50:00.000Z')
    assert.equal(new Date(firstDay[7].startsAt).toISOString(), '2030-01-01T08:00:00.000Z')
    const lastDay = (await owner.get(`/sessions?siteId=${site.id}&from=2030-12-31&to=2030-12-31`)).body().sessions
    assert.equal(new Date(lastDay[0].startsAt).toISOString(), '2030-12-31T01:00:00.000Z')
    const quotas = (await owner.get(`/sessions/${lastDay[0].id}/quotas`)).body().quotas
    assert.deepEqual(
      quotas.map((q: { name: string; capacity: number; productIds: number[] }) => [q.name, q.capacity, q.productIds]),
      [
        ['All visitors', 200, [product.id, child.id].sort((a, b) => a - b)],
        ['Children', 50, [child.id]],
      ]
    )

    // Again, and over a range reaching one day further: only that day is new.
    const again = await owner.post('/sessions/generate', template)
    assert.deepEqual(again.body(), { created: 0, skipped: 365 * 8 })
    const longer = await owner.post('/sessions/generate', { ...template, from: '2030-12-01', to: '2031-01-01' })
    assert.deepEqual(longer.body(), { created: 8, skipped: 31 * 8 })
    assert.equal(await count(venue.tenant, 'quotas'), 366 * 8 * 2)

    const rows = (await owner.get('/audit?action=sessions.generated')).body().data
    assert.lengthOf(rows, 3)
    assert.deepInclude(rows[2].after, { created: 365 * 8, skipped: 0, from: '2030-01-01', to: '2030-12-31' })
  })

  test('generates on the chosen weekdays at local hours across a daylight saving change', async ({ client, assert }) => {
    const { owner, site } = await scheduleVenue(client, 'Europe/Paris')
    const generated = await owner.post('/sessions/generate', {
      siteId: site.id,
      kind: 'performance',
      from: '2030-03-01',
      to: '2030-04-30',
      // Saturdays and Sundays only.
      weekly: [
        { weekday: 6, start: '20:00', end: '22:00', name: 'Evening concert' },
        { weekday: 7, start: '15:00', end: '17:00' },
      ],
    })
    generated.assertStatus(201)
    assert.deepEqual(generated.body(), { created: 18, skipped: 0 })
    const sessions = (await owner.get(`/sessions?siteId=${site.id}&from=2030-03-01&to=2030-04-30`)).body().sessions
    const starts = sessions.map((s: { startsAt: string }) => new Date(s.startsAt).toISOString())
    // Winter time (UTC+1) before 31 March, summer time (UTC+2) after.
    assert.equal(starts[0], '2030-03-02T19:00:00.000Z')
    assert.include(starts, '2030-03-31T13:00:00.000Z')
    assert.equal(starts.at(-1), '2030-04-28T13:00:00.000Z')
    assert.equal(sessions[0].name, 'Evening concert')
    assert.isNull(sessions[1].name)
  })

  test('refuses a broken template and creates nothing', async ({ client, assert }) => {
    const { venue, owner, site, product } = await scheduleVenue(client)
    const { site: otherSite } = (await owner.post('/sites', { name: 'Elsewhere' })).body()
    const { product: foreign } = (await owner.post('/products', { siteId: otherSite.id, name: 'Far', kind: 'adult', basePrice: 1 })).body()
    const { zone: foreignZone } = (await owner.post(`/sites/${otherSite.id}/zones`, { name: 'Far', kind: 'area' })).body()
    const valid = {
      siteId: site.id,
      kind: 'slot',
      from: '2030-01-01',
      to: '2030-01-31',
      weekly: [{ weekday: 1, start: '09:00', end: '10:00' }],
      quotas: [{ name: 'All', capacity: 10, productIds: [product.id] }],
    }
    const cases: [Record<string, unknown>, string][] = [
      [{ siteId: 999999 }, 'siteId'],
      [{ zoneId: foreignZone.id }, 'zoneId'],
      [{ kind: 'open_date' }, 'kind'],
      [{ to: '2031-01-02' }, 'to'],
      [{ to: '2029-12-31' }, 'to'],
      [{ weekly: [] }, 'weekly'],
      [{ weekly: [{ weekday: 8, start: '09:00', end: '10:00' }] }, 'weekly.0.weekday'],
      [{ weekly: [{ weekday: 1, start: '9:00', end: '10:00' }] }, 'weekly.0.start'],
      [{ weekly: [{ weekday: 1, start: '10:00', end: '09:30' }] }, 'weekly.0.end'],
      [{ weekly: [{ weekday: 1, start: '09:00', end: '10:00' }, { weekday: 1, start: '09:00', end: '11:00' }] }, 'weekly'],
      [{ quotas: [{ name: 'All', capacity: 10, productIds: [foreign.id] }] }, 'quotas.0.productIds'],
      [{ quotas: [{ name: 'All', capacity: -1, productIds: [product.id] }] }, 'quotas.0.capacity'],
    ]
    for (const [override, field] of cases) {
      const response = await owner.post('/sessions/generate', { ...valid, ...override })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(override))
    }
    assert.equal(await count(venue.tenant, 'sessions'), 0)
    assert.equal(await count(venue.tenant, 'quotas'), 0)
  })

  test('close-day closes exactly the open sessions of that local day, audited once', async ({ client, assert }) => {
    const { owner, site } = await scheduleVenue(client)
    const create = async (startsAt: string, endsAt: string, kind = 'slot') =>
      (await owner.post('/sessions', { siteId: site.id, kind, startsAt, endsAt })).body().session
    const dayBefore = await create('2030-04-30T23:00:00+08:00', '2030-04-30T23:50:00+08:00')
    const early = await create('2030-05-01T00:30:00+08:00', '2030-05-01T01:30:00+08:00')
    const late = await create('2030-05-01T23:00:00+08:00', '2030-05-01T23:50:00+08:00')
    const cancelled = await create('2030-05-01T10:00:00+08:00', '2030-05-01T11:00:00+08:00')
    await owner.patch(`/sessions/${cancelled.id}`, { status: 'cancelled' })
    const dayAfter = await create('2030-05-02T00:00:00+08:00', '2030-05-02T01:00:00+08:00')
    const validity = await create('2030-05-01T00:00:00+08:00', '2030-06-01T00:00:00+08:00', 'open_date')

    const closed = await owner.post('/sessions/close-day', { siteId: site.id, date: '2030-05-01' })
    closed.assertStatus(200)
    assert.deepEqual(closed.body(), { closed: 2 })

    const sessions = (await owner.get(`/sessions?siteId=${site.id}&from=2030-04-30&to=2030-05-02`)).body().sessions
    const status = Object.fromEntries(sessions.map((s: { id: number; status: string }) => [s.id, s.status]))
    assert.deepEqual(status, {
      [dayBefore.id]: 'open',
      [early.id]: 'closed',
      [late.id]: 'closed',
      [cancelled.id]: 'cancelled',
      [dayAfter.id]: 'open',
      [validity.id]: 'open',
    })

    const rows = (await owner.get('/audit?action=sessions.day_closed')).body().data
    assert.lengthOf(rows, 1)
    assert.deepEqual(rows[0].after, { date: '2030-05-01', status: 'closed', count: 2 })
    assert.sameMembers(rows[0].before.sessionIds, [early.id, late.id])

    const badDate = await owner.post('/sessions/close-day', { siteId: site.id, date: '2030-13-01' })
    badDate.assertStatus(422)
    assert.equal(badDate.body().errors[0].field, 'date')
  })

  test('changes a session, keeping its times in order', async ({ client, assert }) => {
    const { owner, site } = await scheduleVenue(client)
    const { session } = (
      await owner.post('/sessions', { siteId: site.id, kind: 'slot', startsAt: '2030-05-01T09:00:00+08:00', endsAt: '2030-05-01T10:00:00+08:00' })
    ).body()

    const refused = await owner.patch(`/sessions/${session.id}`, { startsAt: '2030-05-01T10:30:00+08:00' })
    refused.assertStatus(422)
    assert.equal(refused.body().errors[0].field, 'endsAt')
    const badStatus = await owner.patch(`/sessions/${session.id}`, { status: 'sold_out' })
    badStatus.assertStatus(422)
    assert.equal(badStatus.body().errors[0].field, 'status')
    ;(await owner.patch('/sessions/999999', { status: 'closed' })).assertStatus(404)

    const changed = await owner.patch(`/sessions/${session.id}`, {
      startsAt: '2030-05-01T10:30:00+08:00',
      endsAt: '2030-05-01T11:30:00+08:00',
      status: 'closed',
      name: 'Late morning',
    })
    changed.assertStatus(200)
    assert.deepInclude(changed.body().session, { status: 'closed', name: 'Late morning' })
    assert.equal(new Date(changed.body().session.startsAt).toISOString(), '2030-05-01T02:30:00.000Z')

    const [row] = (await owner.get('/audit?action=session.updated')).body().data
    assert.equal(row.before.status, 'open')
    assert.equal(row.after.status, 'closed')
  })

  test('box office staff may list sessions but not schedule or close them', async ({ client, assert }) => {
    const { venue, owner, site } = await scheduleVenue(client)
    const email = `desk@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Desk', email, password: 'desk-shift-2024', roles: ['box_office'] })
    const desk = await consoleAgent(client, venue.tenant.slug, email, 'desk-shift-2024')
    const { session } = (
      await owner.post('/sessions', { siteId: site.id, kind: 'slot', startsAt: '2030-05-01T09:00:00+08:00', endsAt: '2030-05-01T10:00:00+08:00' })
    ).body()

    ;(await desk.get(`/sessions?siteId=${site.id}&from=2030-05-01&to=2030-05-01`)).assertStatus(200)
    for (const response of [
      await desk.post('/sessions', { siteId: site.id, kind: 'slot', startsAt: '2030-05-02T09:00:00+08:00', endsAt: '2030-05-02T10:00:00+08:00' }),
      await desk.post('/sessions/generate', { siteId: site.id, kind: 'slot', from: '2030-05-01', to: '2030-05-02', weekly: everyDay('09:00', '10:00') }),
      await desk.post('/sessions/close-day', { siteId: site.id, date: '2030-05-01' }),
      await desk.patch(`/sessions/${session.id}`, { status: 'cancelled' }),
    ]) {
      response.assertStatus(403)
      assert.equal(response.body().errors[0].code, 'E_PERMISSION_DENIED')
    }
    const sessions = (await owner.get(`/sessions?siteId=${site.id}&from=2030-05-01&to=2030-05-02`)).body().sessions
    assert.deepEqual(sessions.map((s: { status: string }) => s.status), ['open'])
  })
})
