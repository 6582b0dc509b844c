import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import InventoryService from '#inventory/services/inventory_service'
import type { BookingRules } from '#inventory/validators/booking_rules'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import { Agent } from '#tests/helpers/agent'
import { seedSale } from '#tests/helpers/catalog'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { visitorAgent } from '#tests/helpers/visitors'

const DEFAULT_RULES: BookingRules = { maxHoldersPerAccount: 5, maxBookingsPer30Days: null, noShowLimit: null, noShowBlockDays: 30, realNameRetentionDays: 30, holdMinutes: 15 }

/** A venue with one session on sale, its owner in the console, and rules set through the console API. */
async function limitedVenue(client: ApiClient, rules: Partial<BookingRules> = {}) {
  const venue = await createTenant()
  const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
  ;(await owner.put('/booking-rules', { ...DEFAULT_RULES, ...rules })).assertStatus(200)
  const sale = await seedSale(venue.tenant, { quotas: [{ capacity: 100 }] })
  const holdBody = { items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }] }
  return { ...venue, owner, sale, holdBody }
}

const activeHolds = (tenant: Tenant, visitorId: number) =>
  runInTenant(tenant, async (trx) => Number((await trx.from('holds').where({ visitor_id: visitorId, status: 'active' }).count('* as n').first()).n))

/** Moves a session into the past, as if it had taken place. */
const moveSessionIntoThePast = (tenant: Tenant, sessionId: number) =>
  runInTenant(tenant, (trx) =>
    trx.from('sessions').where('id', sessionId).update({ starts_at: DateTime.now().minus({ days: 2 }).toJSDate(), ends_at: DateTime.now().minus({ days: 2 }).plus({ hours: 1 }).toJSDate() })
  )

test.group('Booking rules (console)', () => {
  test('the owner reads and sets the rules, audited with before and after', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const shown = await owner.get('/booking-rules')
    shown.assertStatus(200)
    assert.deepInclude(shown.body().rules, DEFAULT_RULES)

    const rules = { maxHoldersPerAccount: 8, maxBookingsPer30Days: 4, noShowLimit: 3, noShowBlockDays: 60, realNameRetentionDays: 90, holdMinutes: 20 }
    const changed = await owner.put('/booking-rules', rules)
    changed.assertStatus(200)
    assert.deepInclude(changed.body().rules, rules)
    assert.deepInclude((await owner.get('/booking-rules')).body().rules, rules)
    // Null turns a limit off again.
    ;(await owner.put('/booking-rules', { ...rules, maxBookingsPer30Days: null })).assertStatus(200)
    assert.deepInclude((await owner.get('/booking-rules')).body().rules, { ...rules, maxBookingsPer30Days: null })

    const [latest, first] = (await owner.get('/audit?action=booking_rules.updated')).body().data
    assert.deepInclude(first.before, DEFAULT_RULES)
    assert.deepInclude(first.after, rules)
    assert.deepInclude(latest.before, rules)
    assert.deepInclude(latest, { actorType: 'staff', actorId: String(venue.owner.id) })
  })

  test('only positive whole numbers, null only for the two limits', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const cases: [Record<string, unknown>, string][] = [
      [{ maxHoldersPerAccount: 0 }, 'maxHoldersPerAccount'],
      [{ maxHoldersPerAccount: null }, 'maxHoldersPerAccount'],
      [{ maxBookingsPer30Days: -1 }, 'maxBookingsPer30Days'],
      [{ maxBookingsPer30Days: 2.5 }, 'maxBookingsPer30Days'],
      [{ noShowLimit: 'three' }, 'noShowLimit'],
      [{ noShowBlockDays: null }, 'noShowBlockDays'],
      [{ noShowBlockDays: undefined }, 'noShowBlockDays'],
      [{ realNameRetentionDays: 0 }, 'realNameRetentionDays'],
      [{ holdMinutes: 2 }, 'holdMinutes'],
      [{ holdMinutes: 121 }, 'holdMinutes'],
    ]
    for (const [override, field] of cases) {
      const response = await owner.put('/booking-rules', { ...DEFAULT_RULES, ...override })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(override))
    }
    assert.deepInclude((await owner.get('/booking-rules')).body().rules, DEFAULT_RULES)
  })

  test('box office may read the rules but not change them or record no-shows; tokens are limited by abilities', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const email = `desk@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Desk', email, password: 'desk-shift-2024', roles: ['box_office'] })
    const desk = await consoleAgent(client, venue.tenant.slug, email, 'desk-shift-2024')

    ;(await desk.get('/booking-rules')).assertStatus(200)
    for (const response of [
      await desk.put('/booking-rules', { ...DEFAULT_RULES, maxBookingsPer30Days: 1 }),
      await desk.post('/visitors/1/no-shows', { sessionId: 1 }),
    ]) {
      response.assertStatus(403)
      assert.equal(response.body().errors[0].code, 'E_PERMISSION_DENIED')
    }
    const denied = (await owner.get('/audit?action=authz.denied')).body().data
    assert.sameMembers(denied.map((row: { meta: { permission: string } }) => row.meta.permission), ['inventory:write', 'inventory:write'])

    const { token } = (await owner.post('/tokens', { name: 'Reader', abilities: ['inventory:read'] })).body()
    const reader = new Agent(client, `/t/${venue.tenant.slug}/console/api`, { authorization: `Bearer ${token.plainToken}` })
    ;(await reader.get('/booking-rules')).assertStatus(200)
    ;(await reader.put('/booking-rules', DEFAULT_RULES)).assertStatus(403)
    ;(await client.get(`/t/${venue.tenant.slug}/console/api/booking-rules`).header('accept', 'application/json')).assertStatus(401)
    assert.deepInclude((await owner.get('/booking-rules')).body().rules, DEFAULT_RULES)
  })
})

test.group('Booking limits (visitor holds)', () => {
  test('without a limit anyone holds; with one, a hold needs a signed-in visitor', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const sale = await seedSale(venue.tenant)
    const body = { items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }] }
    const anonymous = () => client.post(`/t/${venue.tenant.slug}/api/holds`).header('accept', 'application/json').json(body)
    ;(await anonymous()).assertStatus(201)

    ;(await owner.put('/booking-rules', { ...DEFAULT_RULES, maxBookingsPer30Days: 2 })).assertStatus(200)
    const refused = await anonymous()
    refused.assertStatus(401)
    assert.equal(refused.body().errors[0].code, 'E_SIGN_IN_REQUIRED')
    const { agent } = await visitorAgent(client, venue.tenant.slug, 'traveller@example.cn')
    ;(await agent.post('/holds', body)).assertStatus(201)

    // A no-show limit alone needs to know the visitor too.
    ;(await owner.put('/booking-rules', { ...DEFAULT_RULES, noShowLimit: 2 })).assertStatus(200)
    ;(await anonymous()).assertStatus(401)
    ;(await agent.post('/holds', body)).assertStatus(201)
  })

  test('ten parallel holds by one visitor at one below the limit: exactly one passes', async ({ client, assert }) => {
    const venue = await limitedVenue(client, { maxBookingsPer30Days: 3 })
    const { agent, id } = await visitorAgent(client, venue.tenant.slug, 'traveller@example.cn')
    for (let i = 0; i < 2; i++) (await agent.post('/holds', venue.holdBody)).assertStatus(201)

    const responses = await Promise.all(Array.from({ length: 10 }, () => agent.post('/holds', venue.holdBody)))
    assert.deepEqual(responses.map((r) => r.status()).sort(), [201, ...Array(9).fill(409)])
    const refusal = responses.find((r) => r.status() === 409)!.body().errors[0]
    assert.deepInclude(refusal, { code: 'E_BOOKING_LIMIT', limit: 3 })
    assert.match(refusal.message, /allows 3 bookings per visitor in 30 days/)
    assert.equal(await activeHolds(venue.tenant, id), 3)

    // Another visitor is not affected.
    const { agent: other } = await visitorAgent(client, venue.tenant.slug, 'other@example.cn')
    ;(await other.post('/holds', venue.holdBody)).assertStatus(201)
  })

  test('bookings count while active or consumed within 30 days; released, expired and older ones do not', async ({ client, assert }) => {
    const venue = await limitedVenue(client, { maxBookingsPer30Days: 2 })
    const { agent } = await visitorAgent(client, venue.tenant.slug, 'traveller@example.cn')
    const first = (await agent.post('/holds', venue.holdBody)).body().hold
    const second = (await agent.post('/holds', venue.holdBody)).body().hold
    assert.isTrue(await InventoryService.consume(venue.tenant, first.id))
    ;(await agent.post('/holds', venue.holdBody)).assertStatus(409)

    ;(await agent.delete(`/holds/${second.id}`)).assertStatus(204)
    const third = (await agent.post('/holds', venue.holdBody)).body().hold
    ;(await agent.post('/holds', venue.holdBody)).assertStatus(409)

    // Overdue but not yet swept: it can never be consumed, so it no longer counts.
    await runInTenant(venue.tenant, (trx) => trx.from('holds').where('id', third.id).update({ expires_at: DateTime.now().minus({ minutes: 1 }).toJSDate() }))
    ;(await agent.post('/holds', venue.holdBody)).assertStatus(201)
    ;(await agent.post('/holds', venue.holdBody)).assertStatus(409)

    // The consumed booking leaves the window after 30 days.
    await runInTenant(venue.tenant, (trx) => trx.from('holds').where('id', first.id).update({ created_at: DateTime.now().minus({ days: 31 }).toJSDate() }))
    ;(await agent.post('/holds', venue.holdBody)).assertStatus(201)
  })

  test('no-shows recorded in the console block booking until the window has passed', async ({ client, assert }) => {
    const venue = await limitedVenue(client, { noShowLimit: 2, noShowBlockDays: 30 })
    const { agent, id: visitorId } = await visitorAgent(client, venue.tenant.slug, 'traveller@example.cn')
    const missed = [await seedSale(venue.tenant), await seedSale(venue.tenant)]
    for (const sale of missed) {
      const { hold } = (await agent.post('/holds', { items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }] })).body()
      assert.isTrue(await InventoryService.consume(venue.tenant, hold.id))
    }

    const noShow = (sessionId: number, visitor = visitorId) => venue.owner.post(`/visitors/${visitor}/no-shows`, { sessionId })
    const notStarted = await noShow(missed[0].session.id)
    notStarted.assertStatus(422)
    assert.equal(notStarted.body().errors[0].code, 'E_SESSION_NOT_STARTED')
    for (const sale of missed) await moveSessionIntoThePast(venue.tenant, sale.session.id)

    const recorded = await noShow(missed[0].session.id)
    recorded.assertStatus(201)
    assert.deepInclude(recorded.body().noShow, { visitorId, sessionId: missed[0].session.id })
    const again = await noShow(missed[0].session.id)
    again.assertStatus(409)
    assert.equal(again.body().errors[0].code, 'E_NO_SHOW_EXISTS')
    const { id: strangerId } = await visitorAgent(client, venue.tenant.slug, 'stranger@example.cn')
    const notBooked = await noShow(missed[1].session.id, strangerId)
    notBooked.assertStatus(422)
    assert.equal(notBooked.body().errors[0].code, 'E_NOT_BOOKED')
    ;(await noShow(missed[1].session.id, 999999)).assertStatus(404)
    ;(await noShow(999999)).assertStatus(422)

    // One no-show of two allowed: still booking.
    ;(await agent.post('/holds', venue.holdBody)).assertStatus(201)
    ;(await noShow(missed[1].session.id)).assertStatus(201)
    const blocked = await agent.post('/holds', venue.holdBody)
    blocked.assertStatus(409)
    const error = blocked.body().errors[0]
    assert.equal(error.code, 'E_BOOKING_BLOCKED')
    const [oldest] = await runInTenant(venue.tenant, (trx) => trx.from('visitor_no_shows').where('visitor_id', visitorId).orderBy('recorded_at'))
    const until = DateTime.fromJSDate(oldest.recorded_at).plus({ days: 30 })
    assert.equal(DateTime.fromISO(error.blockedUntil).toMillis(), until.toMillis())
    assert.include(error.message, until.setZone('Asia/Shanghai').toFormat('yyyy-MM-dd'))

    // Blocked on the transactional path (a booking count is set) as well.
    const rules = { ...DEFAULT_RULES, noShowLimit: 2, maxBookingsPer30Days: 10 }
    ;(await venue.owner.put('/booking-rules', rules)).assertStatus(200)
    assert.equal((await agent.post('/holds', venue.holdBody)).body().errors[0].code, 'E_BOOKING_BLOCKED')

    // Once the older no-show is more than 30 days old, one remains: booking again.
    await runInTenant(venue.tenant, (trx) => trx.from('visitor_no_shows').where('id', oldest.id).update({ recorded_at: DateTime.now().minus({ days: 31 }).toJSDate() }))
    ;(await agent.post('/holds', venue.holdBody)).assertStatus(201)

    const [row] = (await venue.owner.get('/audit?action=visitor.no_show_recorded')).body().data
    assert.deepInclude(row, { subjectType: 'visitor', subjectId: String(visitorId), actorType: 'staff' })
    assert.equal(row.after.sessionId, missed[1].session.id)
  })
})
