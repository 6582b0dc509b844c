import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import Site from '#catalog/models/site'
import Zone from '#catalog/models/zone'
import Session from '#catalog/models/session'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

/** Two sections: listed seats, a numbered range, and a balcony numbered right to left. */
const MAP = {
  sections: [
    {
      name: 'Stalls',
      rows: [
        { label: 'A', y: 10, seats: [{ label: '1', x: 0, accessible: true }, { label: '2', x: 10 }, { label: '3', x: 20, sellable: false }] },
        { label: 'B', y: 20, from: 1, to: 4, x0: 0, step: 10, accessible: ['1'], unsellable: ['4'] },
      ],
    },
    { name: 'Balcony', rows: [{ label: 'A', y: 50, from: 3, to: 1, x0: 100, step: 12 }] },
  ],
}

interface MapSeat {
  id: number
  label: string
  x: number
  y: number
  accessible: boolean
  sellable: boolean
}
interface SeatMap {
  seatCount: number
  sections: { name: string; rows: { label: string; y: number; seats: MapSeat[] }[] }[]
}

/** A venue with its owner signed in, a hall and an area, and an open performance in the hall. */
async function theatre(client: ApiClient) {
  const venue = await createTenant()
  const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
  const ids = await runInTenant(venue.tenant, async (trx) => {
    const site = await Site.create({ name: 'Grand Theatre', timezone: 'Asia/Shanghai' }, { client: trx })
    const hall = await Zone.create({ siteId: site.id, name: 'Main hall', kind: 'hall' }, { client: trx })
    const area = await Zone.create({ siteId: site.id, name: 'Garden', kind: 'area' }, { client: trx })
    const startsAt = DateTime.now().plus({ days: 7 }).startOf('hour')
    const session = await Session.create(
      { siteId: site.id, zoneId: hall.id, kind: 'performance', startsAt, endsAt: startsAt.plus({ hours: 2 }), status: 'open' },
      { client: trx }
    )
    return { siteId: site.id, hallId: hall.id, areaId: area.id, sessionId: session.id }
  })
  return { venue, owner, ...ids, mapPath: `/zones/${ids.hallId}/seat-map` }
}

/** Every seat of a map as `section/row/label`, with what the map says of it. */
function flatten(map: SeatMap) {
  return map.sections.flatMap((section) =>
    section.rows.flatMap((row) =>
      row.seats.map((seat) => ({ place: `${section.name}/${row.label}/${seat.label}`, ...seat, rowY: row.y }))
    )
  )
}

async function sessionSeats(tenant: Tenant, sessionId: number) {
  return runInTenant(tenant, async (trx) => {
    const { rows } = await trx.rawQuery('select seat_id, status, hold_id from session_seats where session_id = ? order by seat_id', [sessionId])
    return rows as { seat_id: number; status: string; hold_id: string | null }[]
  })
}

/** Holds a seat of a session the way the inventory does: an active hold owning the seat row. */
async function holdSeat(tenant: Tenant, sessionId: number, seatId: number) {
  return runInTenant(tenant, async (trx) => {
    const { rows } = await trx.rawQuery("insert into holds (expires_at, status) values (now() + interval '10 minutes', 'active') returning id")
    await trx.rawQuery("update session_seats set status = 'held', hold_id = ? where session_id = ? and seat_id = ?", [rows[0].id, sessionId, seatId])
    return rows[0].id as string
  })
}

test.group('Seat maps', () => {
  test('a map put in either form reads back seat by seat, and its replacement is audited as counts', async ({ client, assert }) => {
    const { owner, mapPath, hallId } = await theatre(client)
    const put = await owner.put(mapPath, MAP)
    put.assertStatus(200)

    const got = await owner.get(mapPath)
    got.assertStatus(200)
    assert.deepEqual(got.body().seatMap, put.body().seatMap)
    const map = got.body().seatMap as SeatMap
    assert.equal(map.seatCount, 10)
    assert.deepEqual(map.sections.map((section) => section.name), ['Stalls', 'Balcony'])
    assert.deepEqual(
      flatten(map).map(({ place, x, y, rowY, accessible, sellable }) => [place, x, y, rowY, accessible, sellable]),
      [
        ['Stalls/A/1', 0, 10, 10, true, true],
        ['Stalls/A/2', 10, 10, 10, false, true],
        ['Stalls/A/3', 20, 10, 10, false, false],
        ['Stalls/B/1', 0, 20, 20, true, true],
        ['Stalls/B/2', 10, 20, 20, false, true],
        ['Stalls/B/3', 20, 20, 20, false, true],
        ['Stalls/B/4', 30, 20, 20, false, false],
        ['Balcony/A/3', 100, 50, 50, false, true],
        ['Balcony/A/2', 112, 50, 50, false, true],
        ['Balcony/A/1', 124, 50, 50, false, true],
      ]
    )

    const [entry] = (await owner.get('/audit?action=seat_map.replaced')).body().data
    assert.equal(entry.subjectId, String(hallId))
    assert.deepEqual(entry.before, { sections: 0, rows: 0, seats: 0, accessible: 0, unsellable: 0 })
    assert.deepEqual(entry.after, { sections: 2, rows: 3, seats: 10, accessible: 2, unsellable: 2 })
    assert.deepEqual(entry.meta, { added: 10, changed: 0, removed: 0, openSessions: 1 })
  })

  test('refuses a malformed map with 422 on the offending field', async ({ client, assert }) => {
    const { owner, mapPath, areaId } = await theatre(client)
    const stalls = (rows: unknown[]) => ({ sections: [{ name: 'Stalls', rows }] })
    const row = (label: string, seats: unknown[], y = 10) => ({ label, y, seats })
    const cases: [string, Record<string, unknown>, string][] = [
      ['duplicate section', { sections: [MAP.sections[0], { ...MAP.sections[1], name: 'Stalls' }] }, 'sections.1.name'],
      ['duplicate row', stalls([row('A', [{ label: '1', x: 0 }]), row('B', [{ label: '1', x: 0 }], 20), row('A', [{ label: '1', x: 0 }], 30)]), 'sections.0.rows.2.label'],
      ['duplicate seat', stalls([row('A', [{ label: '1', x: 0 }, { label: '2', x: 10 }, { label: '1', x: 20 }])]), 'sections.0.rows.0.seats.2.label'],
      ['two seats at one place', stalls([row('A', [{ label: '1', x: 0 }, { label: '2', x: 0 }])]), 'sections.0.rows.0.seats.1.x'],
      [
        'a numbered row over another section',
        { sections: [...stalls([row('A', [{ label: '1', x: 30 }])]).sections, { name: 'Box', rows: [{ label: 'A', y: 10, from: 1, to: 5, x0: 0, step: 10 }] }] },
        'sections.1.rows.0.x0',
      ],
      ['empty label', stalls([row('A', [{ label: '  ', x: 0 }])]), 'sections.0.rows.0.seats.0.label'],
      ['label over 10 characters', stalls([row('Row eleven!', [{ label: '1', x: 0 }])]), 'sections.0.rows.0.label'],
      ['no seats in a row', stalls([row('A', [])]), 'sections.0.rows.0.seats'],
      ['unknown seat picked out', stalls([{ label: 'A', y: 10, from: 1, to: 10, x0: 0, step: 10, unsellable: ['3', '11'] }]), 'sections.0.rows.0.unsellable.1'],
      [
        'more than 5,000 seats',
        stalls(Array.from({ length: 6 }, (_, i) => ({ label: `R${i}`, y: 10 * (i + 1), from: 1, to: 1000, x0: 0, step: 1 }))),
        'sections.0.rows.5',
      ],
      ['fractional x', stalls([row('A', [{ label: '1', x: 0.5 }])]), 'sections.0.rows.0.seats.0.x'],
      ['a row behind nothing: negative y', stalls([row('A', [{ label: '1', x: 0 }], -1)]), 'sections.0.rows.0.y'],
    ]
    for (const [name, body, field] of cases) {
      const response = await owner.put(mapPath, body)
      assert.equal(response.status(), 422, name)
      assert.equal(response.body().errors[0].field, field, name)
    }

    const area = await owner.put(`/zones/${areaId}/seat-map`, MAP)
    area.assertStatus(422)
    assert.equal(area.body().errors[0].field, 'zone')
    assert.equal(area.body().errors[0].code, 'E_NOT_A_HALL')
    ;(await owner.put('/zones/999999/seat-map', MAP)).assertStatus(404)
    // Nothing was stored by any refused request.
    assert.equal((await owner.get(mapPath)).body().seatMap.seatCount, 0)
  })

  test('takes a full 5,000-seat hall, and the same map again without touching a seat', async ({ client, assert }) => {
    const { venue, owner, mapPath, sessionId } = await theatre(client)
    const full = {
      sections: [{ name: 'Stalls', rows: Array.from({ length: 5 }, (_, i) => ({ label: `R${i + 1}`, y: 10 * (i + 1), from: 1, to: 1000, x0: 0, step: 10 })) }],
    }
    const first = await owner.put(mapPath, full)
    first.assertStatus(200)
    assert.equal(first.body().seatMap.seatCount, 5000)
    assert.lengthOf(await sessionSeats(venue.tenant, sessionId), 5000)

    const again = await owner.put(mapPath, full)
    again.assertStatus(200)
    assert.deepEqual(again.body().seatMap, first.body().seatMap)
    const [entry] = (await owner.get('/audit?action=seat_map.replaced')).body().data
    assert.deepEqual(entry.meta, { added: 0, changed: 0, removed: 0, openSessions: 1 })
  })

  test('a box office member may read a map but not change it', async ({ client, assert }) => {
    const { venue, owner, mapPath } = await theatre(client)
    ;(await owner.put(mapPath, MAP)).assertStatus(200)
    const email = `desk@${venue.tenant.slug}.test`
    const password = 'desk-shift-2024'
    ;(await owner.post('/staff', { fullName: 'Li Wei', email, password, roles: ['box_office'] })).assertStatus(201)
    const desk = await consoleAgent(client, venue.tenant.slug, email, password)

    ;(await desk.get(mapPath)).assertStatus(200)
    const refused = await desk.put(mapPath, { sections: [] })
    refused.assertStatus(403)
    assert.equal(refused.body().errors[0].code, 'E_PERMISSION_DENIED')
    assert.equal((await owner.get(mapPath)).body().seatMap.seatCount, 10)
  })

  test('replacing keeps the ids of unchanged seats and brings open sessions up to date', async ({ client, assert }) => {
    const { venue, owner, mapPath, sessionId } = await theatre(client)
    const before = flatten((await owner.put(mapPath, MAP)).body().seatMap)
    const idOf = (seats: typeof before, place: string) => seats.find((seat) => seat.place === place)!.id
    assert.lengthOf(await sessionSeats(venue.tenant, sessionId), 10)

    // Drop the balcony, move Stalls/A/2, make Stalls/B/2 unsellable and Stalls/B/4 sellable, add Stalls/C/1.
    const replaced = await owner.put(mapPath, {
      sections: [
        {
          name: 'Stalls',
          rows: [
            { label: 'A', y: 10, seats: [{ label: '1', x: 0, accessible: true }, { label: '2', x: 12 }, { label: '3', x: 20, sellable: false }] },
            { label: 'B', y: 20, from: 1, to: 4, x0: 0, step: 10, accessible: ['1'], unsellable: ['2'] },
            { label: 'C', y: 30, seats: [{ label: '1', x: 0 }] },
          ],
        },
      ],
    })
    replaced.assertStatus(200)
    const after = flatten(replaced.body().seatMap)
    for (const place of ['Stalls/A/1', 'Stalls/A/2', 'Stalls/A/3', 'Stalls/B/1', 'Stalls/B/2', 'Stalls/B/3', 'Stalls/B/4']) {
      assert.equal(idOf(after, place), idOf(before, place), place)
    }
    assert.equal(after.find((seat) => seat.place === 'Stalls/A/2')!.x, 12)
    assert.notInclude(before.map((seat) => seat.id), idOf(after, 'Stalls/C/1'))

    const rows = await sessionSeats(venue.tenant, sessionId)
    const statusOf = (place: string) => rows.find((row) => row.seat_id === idOf(after, place))?.status
    assert.sameMembers(rows.map((row) => row.seat_id), after.map((seat) => seat.id))
    assert.equal(statusOf('Stalls/B/2'), 'blocked')
    assert.equal(statusOf('Stalls/B/4'), 'available')
    assert.equal(statusOf('Stalls/A/3'), 'blocked')
    assert.equal(statusOf('Stalls/C/1'), 'available')

    const [entry] = (await owner.get('/audit?action=seat_map.replaced')).body().data
    assert.deepEqual(entry.meta, { added: 1, changed: 3, removed: 3, openSessions: 1 })
  })

  test('a map is frozen once a seat of one of its sessions is held', async ({ client, assert }) => {
    const { venue, owner, mapPath, sessionId } = await theatre(client)
    const [first] = flatten((await owner.put(mapPath, MAP)).body().seatMap)
    await holdSeat(venue.tenant, sessionId, first.id)

    const refused = await owner.put(mapPath, { sections: [] })
    refused.assertStatus(409)
    assert.equal(refused.body().errors[0].code, 'E_SEAT_MAP_IN_USE')
    assert.match(refused.body().errors[0].message, /cannot be replaced: 1 seat\(s\) of its sessions are held or sold/)
    assert.equal((await owner.get(mapPath)).body().seatMap.seatCount, 10)
  })

  test('visitors see which seats are free, never who holds the others', async ({ client, assert }) => {
    const { venue, owner, mapPath, sessionId, siteId } = await theatre(client)
    const seats = flatten((await owner.put(mapPath, MAP)).body().seatMap)
    const idOf = (place: string) => seats.find((seat) => seat.place === place)!.id
    const holdId = await holdSeat(venue.tenant, sessionId, idOf('Stalls/A/2'))
    await runInTenant(venue.tenant, (trx) =>
      trx.rawQuery("update session_seats set status = 'sold' where session_id = ? and seat_id = ?", [sessionId, idOf('Stalls/B/3')])
    )

    const visitor = new Agent(client, `/t/${venue.tenant.slug}/api`)
    const response = await visitor.get(`/sessions/${sessionId}/seats`)
    response.assertStatus(200)
    const shown = response.body().seats as { id: number; section: string; row: string; label: string; status: string }[]
    assert.lengthOf(shown, 10)
    const statusOf = (place: string) => shown.find((seat) => `${seat.section}/${seat.row}/${seat.label}` === place)!.status
    assert.equal(statusOf('Stalls/A/1'), 'available')
    for (const place of ['Stalls/A/2', 'Stalls/B/3', 'Stalls/A/3']) assert.equal(statusOf(place), 'unavailable', place)
    assert.deepEqual(Object.keys(shown[0]).sort(), ['accessible', 'id', 'label', 'row', 'section', 'status', 'x', 'y'])
    assert.notInclude(JSON.stringify(response.body()), holdId)

    ;(await visitor.get('/sessions/999999/seats')).assertStatus(404)
    const closed = await runInTenant(venue.tenant, async (trx) => {
      const startsAt = DateTime.now().minus({ days: 1 })
      const session = await Session.create(
        { siteId, zoneId: null, kind: 'performance', startsAt, endsAt: startsAt.plus({ hours: 2 }), status: 'closed' },
        { client: trx }
      )
      return session.id
    })
    ;(await visitor.get(`/sessions/${closed}/seats`)).assertStatus(404)
  })
})
