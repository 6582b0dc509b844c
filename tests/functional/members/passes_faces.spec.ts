import { test } from '@japa/runner'
import { randomBytes, randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import { purgeEndedFaceEnrollments } from '#checkin/services/face_enrollments'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { deviceClient } from '#tests/helpers/devices'
import { passRules } from '#tests/helpers/passes'

const HOLDER = { name: '李小龙', idNumber: '11010519491231002X', phone: '13812345678' }
const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(3000), Buffer.from([0xff, 0xd9])]).toString('base64')

/**
 * Three sites (A, B, C), a free pass admitting at A and B sold at A in a standing open-date
 * session, and a face gate at each site.
 */
async function venueWithFaceGates(client: ApiClient) {
  const { tenant, email, password } = await createTenant()
  const owner = await consoleAgent(client, tenant.slug, email, password)
  const site = async (name: string) => (await owner.post('/sites', { name })).body().site.id as number
  const sites = { a: await site('Main gate'), b: await site('North park'), c: await site('Aquarium') }
  const product = await owner.post('/products', {
    siteId: sites.a,
    name: '年卡 Annual pass',
    kind: 'annual_pass',
    basePrice: 0,
    validity: 'open_date',
    realNameRequired: true,
    passRules: passRules({ siteIds: [sites.a, sites.b], renewal: null }),
  })
  product.assertStatus(201)
  const productId = product.body().product.id
  ;(await owner.patch(`/products/${productId}`, { status: 'on_sale' })).assertStatus(200)
  const session = await owner.post('/sessions', { siteId: sites.a, kind: 'open_date', startsAt: DateTime.now().minus({ days: 1 }).toISO(), endsAt: DateTime.now().plus({ days: 2 }).toISO() })
  session.assertStatus(201)
  const sessionId = session.body().session.id
  ;(await owner.post(`/sessions/${sessionId}/quotas`, { name: 'Passes', capacity: 10, productIds: [productId] })).assertStatus(201)
  const faceGate = async (siteId: number) => {
    const registered = (await owner.post('/devices', { name: `Face ${siteId}`, kind: 'face_gate', siteId })).body()
    return deviceClient(tenant, { keyId: registered.device.keyId, secret: registered.secret })
  }
  return { tenant, owner, sessionId, gates: { a: await faceGate(sites.a), b: await faceGate(sites.b), c: await faceGate(sites.c) }, productId }
}

test.group('Annual passes (年卡): faces at the gates', () => {
  test("a pass holder's face goes to the face gates of every site the pass admits at, for its validity, not its sale session", async ({ client, assert }) => {
    const venue = await venueWithFaceGates(client)
    const { tenant } = venue
    const placed = await client
      .post(`/t/${tenant.slug}/api/orders`)
      .header('Idempotency-Key', randomUUID())
      .json({ items: [{ productId: venue.productId, sessionId: venue.sessionId, quantity: 1 }], holders: [{ item: 0, ...HOLDER }], contact: { phone: HOLDER.phone } })
    placed.assertStatus(201)
    const { order, accessToken } = placed.body()
    const [ticket] = (await client.get(`/t/${tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', accessToken)).body().tickets
    const enrolled = await client
      .post(`/t/${tenant.slug}/api/orders/${order.number}/tickets/${ticket.id}/face`)
      .header('X-Order-Token', accessToken)
      .json({ photo, consent: { accepted: true, textVersion: 'face-2025-06' } })
    enrolled.assertStatus(201)
    const pass = await db.from(`${tenant.schemaName}.passes`).where('ticket_id', ticket.id).firstOrFail()

    // Not started yet: from its issue to the latest end it can have (started on its last activation day).
    const latestEnd = DateTime.fromJSDate(pass.activate_by).setZone('Asia/Shanghai').startOf('day').plus({ days: 365 })
    const fullA = (await venue.gates.a.call('GET', '/faces')).body
    const fullB = (await venue.gates.b.call('GET', '/faces')).body
    for (const sync of [fullA, fullB]) {
      assert.lengthOf(sync.faces, 1)
      assert.deepInclude(sync.faces[0], { ticketId: ticket.id, photo, validFrom: pass.created_at.toISOString(), validUntil: latestEnd.toUTC().toISO() })
    }
    // A site the pass does not admit at gets nothing.
    assert.lengthOf((await venue.gates.c.call('GET', '/faces')).body.faces, 0)

    // The sale session ends: the pass (and its face) go on.
    await db.from(`${tenant.schemaName}.sessions`).where('id', venue.sessionId).update({ starts_at: DateTime.now().minus({ days: 3 }).toJSDate(), ends_at: DateTime.now().minus({ hours: 1 }).toJSDate() })
    assert.equal(await purgeEndedFaceEnrollments(tenant), 0)
    assert.lengthOf((await venue.gates.b.call('GET', '/faces')).body.faces, 1)

    // The face admits at B and starts the pass: gates get the face again with its validity now.
    assert.deepInclude((await venue.gates.b.scan({ ticketId: ticket.id, method: 'face' })).body.answer, { ok: true, result: 'admitted' })
    const started = await db.from(`${tenant.schemaName}.passes`).where('id', pass.id).firstOrFail()
    const nextA = (await venue.gates.a.call('GET', `/faces?since=${fullA.cursor}`)).body
    assert.deepEqual(nextA.faces.map((face: any) => [face.ticketId, face.validUntil]), [[ticket.id, started.valid_until.toISOString()]])

    // Revoked by staff: the purge deletes it, and both sites' gates learn it.
    ;(await venue.owner.post(`/passes/${pass.id}/revoke`, { reason: 'lent to someone else' })).assertStatus(200)
    assert.equal(await purgeEndedFaceEnrollments(tenant), 1)
    for (const [gate, cursor] of [[venue.gates.a, nextA.cursor], [venue.gates.b, fullB.cursor]] as const) {
      const next = (await gate.call('GET', `/faces?since=${cursor}`)).body
      assert.deepEqual(next.deleted, [{ id: fullA.faces[0].id, ticketId: ticket.id }])
      assert.lengthOf(next.faces, 0)
    }
    const [record] = await db.from(`${tenant.schemaName}.face_enrollments`).where('ticket_id', ticket.id)
    assert.deepInclude(record, { status: 'deleted', deletion_reason: 'ticket_ended', photo: null })
  })
})
