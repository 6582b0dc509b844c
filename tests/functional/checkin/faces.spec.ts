import { test } from '@japa/runner'
import { randomBytes, randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { purgeEndedFaceEnrollments } from '#checkin/services/face_enrollments'
import { runAce } from '#tests/helpers/ace'
import { seedSale } from '#tests/helpers/catalog'
import { deviceClient } from '#tests/helpers/devices'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

/** A mainland ID from its first 17 characters: the GB 11643 check character appended. */
function mainlandId(first17: string) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = weights.reduce((total, weight, i) => total + weight * Number(first17[i]), 0)
  return `${first17}${'10X98765432'[sum % 11]}`
}

const adultId = (n: number) => mainlandId(`1101051980010100${n}`)
/** Born 2018-05-01: under 14 on any session day of these tests. */
const CHILD_ID = mainlandId('11010520180501001')

/** A JPEG as far as its magic bytes go, random inside (the server never looks further). */
const jpeg = (size = 4000) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size), Buffer.from([0xff, 0xd9])]).toString('base64')

const consent = { accepted: true, textVersion: 'face-2025-06' }

/**
 * A venue whose session is open for entry now: a real-name product and a plain one, an owner at
 * the console, a face gate and a scanner.
 */
async function faceVenue(client: ApiClient) {
  const { tenant, email, password } = await createTenant()
  const sale = await seedSale(tenant, { products: [{ price: 0, kind: 'free' }, { price: 0, kind: 'free' }], quotas: [{ capacity: 50 }] })
  await db.from(`${tenant.schemaName}.sessions`).update({ starts_at: new Date(Date.now() - 10 * 60_000), ends_at: new Date(Date.now() + 2 * 3_600_000) })
  await db.from(`${tenant.schemaName}.products`).where('id', sale.products[0].id).update({ real_name_required: true })
  const owner = await consoleAgent(client, tenant.slug, email, password)
  const device = async (kind: 'face_gate' | 'scanner' | 'gate', siteId = sale.site.id) => {
    const registered = await owner.post('/devices', { name: `${kind} ${siteId}`, kind, siteId })
    registered.assertStatus(201)
    return deviceClient(tenant, { keyId: registered.body().device.keyId, secret: registered.body().secret })
  }

  /** A free order of one ticket (real-name with this holder's ID, else of the plain product), as its buyer sees it. */
  const order = async (idNumber?: string) => {
    const item = { productId: sale.products[idNumber ? 0 : 1].id, sessionId: sale.session.id, quantity: 1 }
    const placed = await client
      .post(`/t/${tenant.slug}/api/orders`)
      .header('Idempotency-Key', randomUUID())
      .json({ items: [item], holders: idNumber ? [{ item: 0, name: '钱七', idNumber }] : undefined, contact: { phone: '13500003333' } })
    placed.assertStatus(201)
    const { order: { number }, accessToken } = placed.body()
    const ticket = (await client.get(`/t/${tenant.slug}/api/orders/${number}/tickets`).header('X-Order-Token', accessToken)).body().tickets[0]
    const face = (ticketId = ticket.id, token = accessToken) => {
      const path = `/t/${tenant.slug}/api/orders/${number}/tickets/${ticketId}/face`
      return {
        enroll: (body: Record<string, unknown>) => client.post(path).header('X-Order-Token', token).json(body),
        show: () => client.get(path).header('X-Order-Token', token),
        withdraw: () => client.delete(path).header('X-Order-Token', token),
      }
    }
    return { number, accessToken, ticket, face }
  }

  const enrollments = (ticketId: number) => db.from(`${tenant.schemaName}.face_enrollments`).where('ticket_id', ticketId).orderBy('id')
  return { tenant, owner, sale, device, order, enrollments, faceGate: await device('face_gate') }
}

const errorOf = (response: { body(): any }) => response.body().errors[0]

test.group('Face check-in', () => {
  test('consent is asked separately and explicitly: nothing is stored without it', async ({ client, assert }) => {
    const venue = await faceVenue(client)
    const visit = await venue.order(adultId(1))
    const face = visit.face()
    const photo = jpeg()

    assert.equal(errorOf(await face.enroll({ photo })).field, 'consent')
    const declined = await face.enroll({ photo, consent: { ...consent, accepted: false } })
    declined.assertStatus(422)
    assert.deepInclude(errorOf(declined), { field: 'consent.accepted', code: 'E_FACE_CONSENT_REQUIRED' })
    assert.equal(errorOf(await face.enroll({ photo, consent: { ...consent, accepted: 'yes' } })).field, 'consent.accepted')
    const notImage = await face.enroll({ photo: Buffer.from('GIF89a, not a face').toString('base64'), consent })
    assert.deepInclude(errorOf(notImage), { field: 'photo', code: 'E_FACE_PHOTO_INVALID' })
    assert.deepInclude(errorOf(await face.enroll({ photo: jpeg(301 * 1024), consent })), { field: 'photo', code: 'E_FACE_PHOTO_TOO_LARGE' })
    assert.lengthOf(await venue.enrollments(visit.ticket.id), 0)
    assert.deepEqual((await face.show()).body(), { enrolled: false, consentedAt: null })

    const enrolled = await face.enroll({ photo, consent })
    enrolled.assertStatus(201)
    assert.isTrue(enrolled.body().enrolled)
    assert.deepEqual((await face.show()).body(), enrolled.body())
    // At rest the photo is ciphertext: neither its base64 nor its bytes appear in the row.
    const [row] = await venue.enrollments(visit.ticket.id)
    const stored = JSON.stringify(row)
    assert.notInclude(stored, photo.slice(100, 160))
    assert.isFalse(Buffer.from(row.photo, 'latin1').includes(Buffer.from(photo, 'base64').subarray(100, 130)))
    assert.deepInclude(row, { status: 'active', content_type: 'image/jpeg', consent_text_version: 'face-2025-06', guardian_name: null })
    assert.isNotNull(row.consent_ip)

    // The same photo again changes nothing; another replaces it (the old one deleted).
    ;(await face.enroll({ photo, consent })).assertStatus(200)
    assert.lengthOf(await venue.enrollments(visit.ticket.id), 1)
    ;(await face.enroll({ photo: jpeg(), consent })).assertStatus(201)
    const [replaced, current] = await venue.enrollments(visit.ticket.id)
    assert.deepInclude(replaced, { status: 'deleted', deletion_reason: 'replaced', photo: null, photo_sha256: null })
    assert.equal(current.status, 'active')
  })

  test("a holder under 14 needs a parent's or guardian's consent", async ({ client, assert }) => {
    const venue = await faceVenue(client)
    const child = (await venue.order(CHILD_ID)).face()
    const refused = await child.enroll({ photo: jpeg(), consent })
    refused.assertStatus(422)
    assert.deepInclude(errorOf(refused), { field: 'guardian', code: 'E_FACE_GUARDIAN_REQUIRED' })
    ;(await child.enroll({ photo: jpeg(), consent, guardian: { name: '钱大', relation: '父亲' } })).assertStatus(201)

    const adult = await venue.order(adultId(2))
    ;(await adult.face().enroll({ photo: jpeg(), consent, guardian: { name: '钱大', relation: '父亲' } })).assertStatus(201)
    const records = (await venue.owner.get('/face-enrollments')).body().enrollments
    assert.deepEqual(records.map((r: any) => r.guardian), [null, { name: '钱大', relation: '父亲' }])
  })

  test("only a real-name ticket's holder, and only on the visitor's own order", async ({ client, assert }) => {
    const venue = await faceVenue(client)
    const plain = await venue.order()
    const notRealName = await plain.face().enroll({ photo: jpeg(), consent })
    notRealName.assertStatus(422)
    assert.deepInclude(errorOf(notRealName), { field: 'ticketId', code: 'E_FACE_NOT_REAL_NAME' })

    const mine = await venue.order(adultId(3))
    const theirs = await venue.order(adultId(4))
    // Someone else's token, no token, or a ticket of another order: no such order or ticket.
    ;(await mine.face(mine.ticket.id, theirs.accessToken).enroll({ photo: jpeg(), consent })).assertStatus(404)
    ;(await client.get(`/t/${venue.tenant.slug}/api/orders/${mine.number}/tickets/${mine.ticket.id}/face`)).assertStatus(404)
    ;(await mine.face(theirs.ticket.id).enroll({ photo: jpeg(), consent })).assertStatus(404)
    ;(await theirs.face(mine.ticket.id, theirs.accessToken).withdraw()).assertStatus(404)
    assert.lengthOf(await db.from(`${venue.tenant.schemaName}.face_enrollments`), 0)
  })

  test('a face gate of the site syncs the face and its match admits once; other devices get nothing', async ({ client, assert }) => {
    const venue = await faceVenue(client)
    const visit = await venue.order(adultId(5))
    const photo = jpeg()
    ;(await visit.face().enroll({ photo, consent })).assertStatus(201)

    const sync = await venue.faceGate.call('GET', '/faces')
    assert.equal(sync.status, 200)
    assert.isTrue(sync.body.full)
    assert.lengthOf(sync.body.faces, 1)
    const [synced] = sync.body.faces
    assert.deepInclude(synced, { ticketId: visit.ticket.id, contentType: 'image/jpeg', photo, validFrom: visit.ticket.window.opensAt, validUntil: visit.ticket.window.closesAt })

    for (const kind of ['scanner', 'gate'] as const) {
      const refused = await (await venue.device(kind)).call('GET', '/faces')
      assert.equal(refused.status, 403)
      assert.deepInclude(refused.body.errors[0], { code: 'E_NOT_A_FACE_GATE', message: `Faces are synced to face gates only; this device is a ${kind}` })
    }
    const elsewhere = await seedSale(venue.tenant)
    assert.lengthOf((await (await venue.device('face_gate', elsewhere.site.id)).call('GET', '/faces')).body.faces, 0)

    // The gate matched the face locally and reports the ticket.
    const first = await venue.faceGate.scan({ ticketId: synced.ticketId, method: 'face' })
    assert.deepInclude(first.body.answer, { ok: true, result: 'admitted' })
    const second = await venue.faceGate.scan({ ticketId: synced.ticketId, method: 'face' })
    assert.deepInclude(second.body.answer, { ok: false, result: 'already_used' })
    const records = (await venue.owner.get(`/checkins?ticketId=${visit.ticket.id}`)).body().checkins
    assert.deepEqual(records.map((r: any) => [r.method, r.result]), [['face', 'already_used'], ['face', 'admitted']])
  })

  test('a refund deletes the face; the next sync lists it as deleted and brings only what is new', async ({ client, assert }) => {
    const venue = await faceVenue(client)
    const visit = await venue.order(adultId(6))
    ;(await visit.face().enroll({ photo: jpeg(), consent })).assertStatus(201)
    const full = (await venue.faceGate.call('GET', '/faces')).body
    const [enrollment] = full.faces

    // The session has started: staff refund it (an override).
    const refund = { ticketIds: [visit.ticket.id], reason: 'visitor left', override: { fee: 0, reason: 'Visitor turned back' } }
    ;(await venue.owner.post(`/orders/${visit.number}/refunds`, refund)).assertStatus(201)
    const [row] = await venue.enrollments(visit.ticket.id)
    assert.deepInclude(row, { status: 'deleted', deletion_reason: 'refunded', photo: null })
    assert.deepEqual((await visit.face().show()).body(), { enrolled: false, consentedAt: null })

    const later = await venue.order(adultId(7))
    ;(await later.face().enroll({ photo: jpeg(), consent })).assertStatus(201)
    const next = (await venue.faceGate.call('GET', `/faces?since=${full.cursor}`)).body
    assert.isFalse(next.full)
    assert.deepEqual(next.deleted, [{ id: enrollment.id, ticketId: visit.ticket.id }])
    assert.deepEqual(next.faces.map((face: any) => face.ticketId), [later.ticket.id])
    const quiet = (await venue.faceGate.call('GET', `/faces?since=${next.cursor}`)).body
    assert.deepEqual([quiet.faces, quiet.deleted], [[], []])
    assert.equal((await venue.faceGate.call('GET', '/faces?since=yesterday')).status, 422)
  })

  test("the visitor's withdrawal deletes the face at once, and gates learn it at their next sync", async ({ client, assert }) => {
    const venue = await faceVenue(client)
    const visit = await venue.order(adultId(8))
    ;(await visit.face().enroll({ photo: jpeg(), consent })).assertStatus(201)
    const { cursor, faces } = (await venue.faceGate.call('GET', '/faces')).body

    const withdrawn = await visit.face().withdraw()
    withdrawn.assertStatus(200)
    assert.deepEqual(withdrawn.body(), { enrolled: false, consentedAt: null })
    assert.deepInclude((await venue.enrollments(visit.ticket.id))[0], { status: 'deleted', deletion_reason: 'withdrawn', photo: null })
    const next = (await venue.faceGate.call('GET', `/faces?since=${cursor}`)).body
    assert.deepEqual(next.deleted, [{ id: faces[0].id, ticketId: visit.ticket.id }])
    assert.lengthOf((await venue.faceGate.call('GET', '/faces')).body.faces, 0)
    // The QR code still works without a face.
    assert.deepInclude((await venue.faceGate.scan({ code: visit.ticket.code })).body.answer, { result: 'admitted' })
  })

  test('the purge deletes the faces of used-up tickets after their day and of ended sessions', async ({ client, assert }) => {
    const venue = await faceVenue(client)
    const used = await venue.order(adultId(1))
    const kept = await venue.order(adultId(2))
    for (const visit of [used, kept]) (await visit.face().enroll({ photo: jpeg(), consent })).assertStatus(201)
    // Its single entry was used yesterday (an open session of several days).
    await db.from(`${venue.tenant.schemaName}.order_tickets`).where('id', used.ticket.id).update({ status: 'used', admitted: 1, entries_used: 1, last_entry_at: new Date(Date.now() - 86_400_000) })

    assert.equal(await purgeEndedFaceEnrollments(venue.tenant), 1)
    assert.deepInclude((await venue.enrollments(used.ticket.id))[0], { status: 'deleted', deletion_reason: 'used' })
    assert.equal((await venue.enrollments(kept.ticket.id))[0].status, 'active')

    await db.from(`${venue.tenant.schemaName}.sessions`).update({ starts_at: new Date(Date.now() - 3 * 3_600_000), ends_at: new Date(Date.now() - 3_600_000) })
    const { lines } = await runAce('faces:purge')
    assert.match(lines.join('\n'), /face enrollments deleted across \d+ venues/)
    assert.deepInclude((await venue.enrollments(kept.ticket.id))[0], { status: 'deleted', deletion_reason: 'session_ended', photo: null })
  })

  test('enrollments, deletions and syncs are audited without photo data; the console shows consent records only', async ({ client, assert }) => {
    const venue = await faceVenue(client)
    const visit = await venue.order(adultId(9))
    const photo = jpeg()
    ;(await visit.face().enroll({ photo, consent })).assertStatus(201)
    await venue.faceGate.call('GET', '/faces')
    ;(await visit.face().withdraw()).assertStatus(200)

    const audits = await db.from(`${venue.tenant.schemaName}.audit_logs`).whereLike('action', 'face.%').orderBy('id')
    assert.deepEqual(audits.map((a) => a.action), ['face.enrolled', 'face.synced', 'face.deleted'])
    assert.deepInclude(audits[0].meta, { consentTextVersion: 'face-2025-06', guardianConsent: false, replaced: false })
    assert.deepInclude(audits[1], { actor_type: 'device', subject_type: 'device' })
    assert.deepInclude(audits[2].meta, { reason: 'withdrawn' })
    assert.notInclude(JSON.stringify(audits), photo.slice(0, 60))

    const records = await venue.owner.get(`/face-enrollments?ticketId=${visit.ticket.id}`)
    records.assertStatus(200)
    const [record] = records.body().enrollments
    assert.deepInclude(record, { ticketId: visit.ticket.id, status: 'deleted', deletionReason: 'withdrawn', contentType: 'image/jpeg' })
    assert.equal(record.consent.textVersion, 'face-2025-06')
    assert.notProperty(record, 'photo')
    assert.notInclude(records.text(), photo.slice(0, 60))
  })
})
