import { test } from '@japa/runner'
import { randomUUID, verify } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { seedSale, type SaleOptions } from '#tests/helpers/catalog'
import { deviceClient } from '#tests/helpers/devices'
import { eventually, payableVenue, placeOrder, settle, startPayment } from '#tests/helpers/payments'
import { decodeTicketCode, publicKeyFromRaw, verifyTicketCode } from '#tickets/services/ticket_codes'
import type Tenant from '#tenancy/models/tenant'

const ID = '11010519491231002X'

/** A venue whose session is open for entry now, an owner at the console, and two gates. */
async function venueAtTheGate(client: ApiClient, sale: SaleOptions = {}, product: Record<string, unknown> = {}) {
  const { tenant, email, password } = await createTenant()
  const seeded = await seedSale(tenant, { products: [{ price: 0, kind: 'free' }], quotas: [{ capacity: 50 }], ...sale })
  const now = Date.now()
  await db.from(`${tenant.schemaName}.sessions`).update({ starts_at: new Date(now - 10 * 60_000), ends_at: new Date(now + 2 * 3_600_000) })
  if (Object.keys(product).length) await db.from(`${tenant.schemaName}.products`).update(product)
  const owner = await consoleAgent(client, tenant.slug, email, password)
  const gates = []
  for (const name of ['East gate', 'West gate']) {
    const registered = await owner.post('/devices', { name, kind: 'gate', siteId: seeded.site.id })
    registered.assertStatus(201)
    gates.push({ ...registered.body(), client: deviceClient(tenant, { keyId: registered.body().device.keyId, secret: registered.body().secret }) })
  }
  return { tenant, owner, gates, ...seeded }
}

/** A free order's tickets (issued at once), as the visitor's page gets them. */
async function tickets(client: ApiClient, tenant: Tenant, productId: number, sessionId: number, quantity = 1, holders?: unknown[]) {
  const placed = await client
    .post(`/t/${tenant.slug}/api/orders`)
    .header('Idempotency-Key', randomUUID())
    .json({ items: [{ productId, sessionId, quantity }], holders, contact: { phone: '13500003333' } })
  placed.assertStatus(201)
  const { order, accessToken } = placed.body()
  const list = await client.get(`/t/${tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', accessToken)
  return { number: order.number as string, accessToken: accessToken as string, tickets: list.body().tickets as any[] }
}

test.group('Tickets and the device API', () => {
  test('a ticket gets its signed code the moment its order is paid, verifiable with the venue public key', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'])
    const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }])
    const before = (await client.get(`/t/${sale.tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', accessToken)).body().tickets
    assert.deepEqual(before.map((t: any) => t.code), [null, null])

    const payment = await startPayment(client, sale.tenant, order.number, accessToken, 'wechat_pay')
    await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
    const issued = await eventually(
      async () => (await client.get(`/t/${sale.tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', accessToken)).body().tickets,
      (list: any[]) => list.every((t) => t.code)
    )
    // A gate gets the venue's public keys from the device API.
    const owner = await consoleAgent(client, sale.tenant.slug, `owner@${sale.tenant.slug}.test`, 'correct-horse-42')
    const device = (await owner.post('/devices', { name: 'Handheld 1', kind: 'scanner', siteId: sale.site.id })).body()
    const published = (await deviceClient(sale.tenant, { keyId: device.device.keyId, secret: device.secret }).call('GET', '/keys')).body.keys
    for (const ticket of issued) {
      const decoded = decodeTicketCode(ticket.code)!
      assert.equal(decoded.ticketId, ticket.id)
      const key = published.find((k: any) => k.kid === decoded.kid)
      assert.isTrue(verifyTicketCode(decoded, publicKeyFromRaw(key.publicKey)))
    }
  })

  test('a gate admits once; the second scan says when and where; a retried scan never consumes twice', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client)
    const [east, west] = venue.gates
    const [ticket] = (await tickets(client, venue.tenant, venue.products[0].id, venue.session.id)).tickets

    const nonce = randomUUID()
    const first = await east.client.scan({ code: ticket.code, nonce })
    assert.deepInclude(first.body.answer, { ok: true, result: 'admitted', people: 1, message: 'Valid: admit 1' })
    const retried = await east.client.scan({ code: ticket.code, nonce })
    assert.deepInclude(retried.body.answer, { ok: true, result: 'admitted', replayed: true })
    const second = await west.client.scan({ code: ticket.code })
    assert.deepInclude(second.body.answer, { ok: false, result: 'already_used' })
    assert.include(second.body.answer.message, 'East gate')

    const row = await db.from(`${venue.tenant.schemaName}.order_tickets`).where('id', ticket.id).firstOrFail()
    assert.deepInclude(row, { admitted: 1, entries_used: 1, status: 'used' })
    const order = await db.from(`${venue.tenant.schemaName}.orders`).where('id', row.order_id).firstOrFail()
    assert.equal(order.status, 'used')

    const records = (await venue.owner.get(`/checkins?ticketId=${ticket.id}`)).body().checkins
    assert.deepEqual(records.map((r: any) => [r.result, r.device]), [['already_used', 'West gate'], ['admitted', 'East gate']])
    const live = (await venue.owner.get('/checkins/live')).body().sessions
    assert.deepInclude(live[0], { admitted: 1, inside: 1, refused: 1 })
  })

  test('a suspended venue stops selling but keeps what it sold: its gates admit, its visitors open their tickets', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client)
    const sold = await tickets(client, venue.tenant, venue.products[0].id, venue.session.id)
    await db.from('tenants').where('id', venue.tenant.id).update({ status: 'suspended', suspended_at: new Date() })
    const { default: registry } = await import('#tenancy/services/tenant_registry')
    registry.forget(venue.tenant)

    const base = `/t/${venue.tenant.slug}`
    const held = await client.post(`${base}/api/holds`).json({ items: [{ productId: venue.products[0].id, sessionId: venue.session.id, quantity: 1 }] })
    held.assertStatus(503)
    assert.equal(held.body().errors[0].code, 'E_VENUE_SUSPENDED')
    ;(await client.get(`${base}/api/orders/${sold.number}`).header('X-Order-Token', sold.accessToken)).assertStatus(200)
    ;(await client.get(`${base}/api/orders/${sold.number}/tickets`).header('X-Order-Token', sold.accessToken)).assertStatus(200)
    ;(await client.get(`${base}/orders/${sold.number}?token=${sold.accessToken}`).header('accept', 'text/html')).assertStatus(200)
    ;(await client.post(`${base}/api/orders/${sold.number}/refunds`).header('X-Order-Token', sold.accessToken).json({})).assertStatus(503)

    const admitted = await venue.gates[0].client.scan({ code: sold.tickets[0].code })
    assert.deepInclude(admitted.body.answer, { ok: true, result: 'admitted' })
  })

  test('two gates scanning the same code at the same instant admit once', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client)
    const [ticket] = (await tickets(client, venue.tenant, venue.products[0].id, venue.session.id)).tickets
    const scans = await Promise.all(Array.from({ length: 20 }, (_, i) => venue.gates[i % 2].client.scan({ code: ticket.code })))
    assert.isTrue(scans.every((scan) => scan.status === 200))
    assert.equal(scans.filter((scan) => scan.body.answer.result === 'admitted').length, 1)
    assert.equal(scans.filter((scan) => scan.body.answer.result === 'already_used').length, 19)
    const row = await db.from(`${venue.tenant.schemaName}.order_tickets`).where('id', ticket.id).firstOrFail()
    assert.equal(row.admitted, 1)
  })

  test('refunded, changed-away and re-issued codes stop working, online and on the revocation list', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client)
    const [gate] = venue.gates
    const order = await tickets(client, venue.tenant, venue.products[0].id, venue.session.id, 2)
    const [kept, refunded] = order.tickets

    // The session has started: only staff can still refund (an override).
    const override = { ticketIds: [refunded.id], reason: 'gate broke down', override: { fee: 0, reason: 'Visitor turned back at the gate' } }
    ;(await venue.owner.post(`/orders/${order.number}/refunds`, override)).assertStatus(201)
    assert.deepInclude((await gate.client.scan({ code: refunded.code })).body.answer, { ok: false, result: 'refunded', message: 'Refunded: not valid' })

    const reissued = await venue.owner.post(`/tickets/${kept.id}/reissue`)
    reissued.assertStatus(200)
    assert.deepInclude((await gate.client.scan({ code: kept.code })).body.answer, { ok: false, result: 'revoked' })
    const fresh = (await client.get(`/t/${venue.tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', order.accessToken)).body().tickets
    assert.deepEqual(fresh.map((t: any) => t.status), ['valid', 'refunded'])
    assert.isNull(fresh[1].code)
    assert.deepInclude((await gate.client.scan({ code: fresh[0].code })).body.answer, { ok: true, result: 'admitted' })

    const list = await gate.client.call('GET', '/offline-list')
    assert.sameDeepMembers(
      list.body.revocations.map((r: any) => [r.ticketId, r.serial]),
      [[refunded.id, 1], [kept.id, 1]]
    )
    // A forged code (another key) and garbage are unknown.
    assert.equal((await gate.client.scan({ code: 'not-a-ticket' })).body.answer.result, 'unknown')
  })

  test('wrong day, and a real-name ticket found by the holder ID card', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client, { products: [{ price: 0, kind: 'free', idLimitScope: 'session' }] }, { real_name_required: true })
    const [gate] = venue.gates
    const holders = [{ item: 0, name: '钱七', idNumber: ID }]
    const [ticket] = (await tickets(client, venue.tenant, venue.products[0].id, venue.session.id, 1, holders)).tickets

    assert.equal((await gate.client.scan({ method: 'id_card', idNumber: '440524188001010014' })).body.answer.result, 'unknown')
    const byId = (await gate.client.scan({ method: 'id_card', idNumber: ID })).body.answer
    assert.deepInclude(byId, { ok: true, result: 'admitted' })
    assert.equal(byId.ticket.id, ticket.id)
    assert.equal(byId.ticket.holder, '钱* 110105********002X')

    // Tomorrow's ticket scanned today.
    const later = new Date(Date.now() + 2 * 86_400_000)
    await db.from(`${venue.tenant.schemaName}.sessions`).update({ starts_at: later, ends_at: new Date(later.getTime() + 3_600_000) })
    const other = await db.from(`${venue.tenant.schemaName}.order_tickets`).where('id', ticket.id).firstOrFail()
    await db.from(`${venue.tenant.schemaName}.order_tickets`).where('id', other.id).update({ status: 'valid', admitted: 0, entries_used: 0 })
    const wrong = (await gate.client.scan({ code: ticket.code })).body.answer
    assert.equal(wrong.result, 'wrong_day')
    assert.match(wrong.message, /^Wrong day: this ticket is for \d{4}-\d{2}-\d{2}$/)
  })

  test('a multi-entry ticket counts its entries; a group enters one by one', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client, {}, { entries_per_ticket: 3 })
    const [gate] = venue.gates
    const [ticket] = (await tickets(client, venue.tenant, venue.products[0].id, venue.session.id)).tickets
    for (const left of [2, 1, 0]) {
      const answer = (await gate.client.scan({ code: ticket.code })).body.answer
      assert.deepInclude(answer, { result: 'admitted' })
      assert.equal(answer.ticket.entriesLeft, left)
    }
    assert.equal((await gate.client.scan({ code: ticket.code })).body.answer.result, 'already_used')

    const group = await venueAtTheGate(client, { products: [{ price: 0, kind: 'group' }] }, { party_min: 2, party_max: 4 })
    const [groupTicket] = (await tickets(client, group.tenant, group.products[0].id, group.session.id)).tickets
    assert.equal(groupTicket.partySize, 4)
    const gateB = group.gates[0].client
    assert.deepInclude((await gateB.scan({ code: groupTicket.code, people: 1 })).body.answer, { result: 'admitted', people: 1 })
    assert.deepInclude((await gateB.scan({ code: groupTicket.code, people: 5 })).body.answer, { result: 'party_exceeded' })
    assert.deepInclude((await gateB.scan({ code: groupTicket.code })).body.answer, { result: 'admitted', people: 3 })
    assert.deepInclude((await gateB.scan({ code: groupTicket.code })).body.answer, { result: 'already_used' })
  })

  test('unsigned, badly signed, stale, replayed or revoked-key requests are refused', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client)
    const [gate, other] = venue.gates
    const plain = await fetch(`http://${process.env.HOST}:${process.env.PORT}/t/${venue.tenant.slug}/device/api/keys`)
    assert.equal(plain.status, 401)
    assert.equal((await gate.client.call('GET', '/keys', undefined, { secret: other.secret })).status, 401)
    assert.equal((await gate.client.call('GET', '/keys', undefined, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status, 401)
    const nonce = randomUUID()
    assert.equal((await gate.client.call('GET', '/keys', undefined, { nonce })).status, 200)
    assert.equal((await gate.client.call('GET', '/keys', undefined, { nonce })).status, 401)

    ;(await venue.owner.post(`/devices/${gate.device.id}/revoke`)).assertStatus(200)
    const revoked = await gate.client.call('POST', '/heartbeat', { appVersion: '1.0' })
    assert.equal(revoked.status, 401)
    assert.equal(revoked.body.errors[0].code, 'E_DEVICE_UNAUTHORIZED')
    assert.equal((await other.client.call('POST', '/heartbeat', { appVersion: '1.0', offlineQueue: 0 })).status, 200)
    const devices = (await venue.owner.get('/devices')).body().devices
    assert.deepEqual(devices.map((d: any) => d.status), ['revoked', 'active'])
    assert.notInclude(JSON.stringify(devices), gate.secret)
  })

  test('offline: a signed list to verify codes without the network; uploads applied once, a double use reported as a conflict', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client)
    const [east, west] = venue.gates
    const order = await tickets(client, venue.tenant, venue.products[0].id, venue.session.id, 2)
    const [one, two] = order.tickets

    const list = await east.client.call('GET', '/offline-list')
    assert.equal(list.status, 200)
    const [kid, signature] = list.headers.get('x-tessera-signature')!.split('.')
    const keys = list.body.keys
    const venueKey = publicKeyFromRaw(keys.find((k: any) => k.kid === kid).publicKey)
    assert.isTrue(verify(null, Buffer.from(list.text), venueKey, Buffer.from(signature, 'base64url')))
    assert.sameMembers(list.body.tickets.map((t: any) => t.id), [one.id, two.id])
    // The gate checks a code offline with the list's keys.
    assert.isTrue(verifyTicketCode(decodeTicketCode(one.code)!, venueKey))

    // Both gates, offline, let the same ticket in; one of them also the other ticket.
    const occurredAt = new Date().toISOString()
    const eastEntries = [{ code: one.code, nonce: randomUUID(), method: 'qr', occurredAt }, { code: two.code, nonce: randomUUID(), method: 'qr', occurredAt }]
    const eastUpload = await east.client.call('POST', '/offline-entries', { entries: eastEntries })
    assert.deepEqual(eastUpload.body.results.map((r: any) => [r.result, r.conflict]), [['admitted', false], ['admitted', false]])
    const westUpload = await west.client.call('POST', '/offline-entries', { entries: [{ code: one.code, nonce: randomUUID(), method: 'qr', occurredAt }] })
    assert.deepEqual(westUpload.body.results.map((r: any) => [r.result, r.conflict]), [['already_used', true]])
    assert.equal(westUpload.body.conflicts, 1)
    // Uploading again (the gate did not get the answer) changes nothing.
    const again = await east.client.call('POST', '/offline-entries', { entries: eastEntries })
    assert.deepEqual(again.body.results.map((r: any) => r.replayed), [true, true])
    const rows = await db.from(`${venue.tenant.schemaName}.order_tickets`).whereIn('id', [one.id, two.id]).orderBy('id')
    assert.deepEqual(rows.map((r) => r.admitted), [1, 1])
    const conflicts = (await venue.owner.get('/checkins?result=already_used')).body().checkins
    assert.deepEqual(conflicts.map((c: any) => [c.conflict, c.offline, c.device]), [[true, true, 'West gate']])

    // Incremental: only what changed since the last list.
    const since = list.body.generatedAt
    const next = await east.client.call('GET', `/offline-list?updatedSince=${encodeURIComponent(since)}&revocationsSince=${list.body.revocationCursor}`)
    assert.sameMembers(next.body.tickets.map((t: any) => t.id), [one.id, two.id])
    assert.deepEqual(next.body.tickets.map((t: any) => t.admitted), [1, 1])
    const unchanged = await east.client.call('GET', `/offline-list?updatedSince=${encodeURIComponent(next.body.generatedAt)}`)
    assert.lengthOf(unchanged.body.tickets, 0)
  })

  test('rotating the signing key keeps issued codes working; new codes carry the new key', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client)
    const [gate] = venue.gates
    const before = await tickets(client, venue.tenant, venue.products[0].id, venue.session.id)
    const rotated = await venue.owner.post('/ticket-keys/rotate')
    rotated.assertStatus(200)
    assert.deepEqual(rotated.body().keys.map((k: any) => k.status), ['retired', 'active'])
    const after = await tickets(client, venue.tenant, venue.products[0].id, venue.session.id)
    assert.equal(decodeTicketCode(after.tickets[0].code)!.kid, rotated.body().kid)
    assert.notEqual(decodeTicketCode(before.tickets[0].code)!.kid, rotated.body().kid)
    assert.deepInclude((await gate.client.scan({ code: before.tickets[0].code })).body.answer, { ok: true, result: 'admitted' })
    assert.deepInclude((await gate.client.scan({ code: after.tickets[0].code })).body.answer, { ok: true, result: 'admitted' })
    const keys = (await gate.client.call('GET', '/keys')).body.keys
    assert.lengthOf(keys, 2)
  })

  test('gate staff see the sites to stand at, not the rest of the catalog', async ({ client, assert }) => {
    const venue = await venueAtTheGate(client)
    ;(await venue.owner.post('/staff', { email: `gate@${venue.tenant.slug}.test`, fullName: 'Gate', password: 'gate-pass-2026', roles: ['checkin'] })).assertStatus(201)
    const gate = await consoleAgent(client, venue.tenant.slug, `gate@${venue.tenant.slug}.test`, 'gate-pass-2026')
    const sites = await gate.get('/checkins/sites')
    sites.assertStatus(200)
    assert.deepEqual(sites.body().sites.map((s: any) => s.id), [venue.site.id])
    ;(await gate.get('/sites')).assertStatus(403)
  })
})
