import { test } from '@japa/runner'
import assert from 'node:assert'
import { randomUUID, verify } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import { connectSandboxMerchants } from '#sandbox/sandbox_merchants'
import { publicKeyFromRaw } from '#tickets/services/ticket_codes'
import type Tenant from '#tenancy/models/tenant'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { deviceClient } from '#tests/helpers/devices'
import { eventually, settle, startPayment } from '#tests/helpers/payments'
import { visitorAgent } from '#tests/helpers/visitors'
import { passRules } from '#tests/helpers/passes'

const HOLDER = { name: '李小龙', idNumber: '11010519491231002X', phone: '13812345678' }
const today = () => DateTime.now().setZone('Asia/Shanghai').toISODate()!

const PASS_RULES = passRules()

/**
 * A venue with two sites (A with two gates, B with one), a pass product made through the console
 * and sold against a standing open-date session, sandbox WeChat Pay, and a signed-in visitor.
 */
async function passVenue(client: ApiClient, rules: Record<string, unknown> = {}, price = 30000) {
  const { tenant, email, password } = await createTenant()
  await connectSandboxMerchants(tenant, { kinds: ['wechat_pay'] })
  const owner = await consoleAgent(client, tenant.slug, email, password)
  const siteA = (await owner.post('/sites', { name: 'Main gate' })).body().site
  const siteB = (await owner.post('/sites', { name: 'North park' })).body().site
  const created = await owner.post('/products', {
    siteId: siteA.id,
    name: '年卡 Annual pass',
    kind: 'annual_pass',
    basePrice: price,
    validity: 'open_date',
    realNameRequired: true,
    maxPerOrder: 2,
    passRules: { ...PASS_RULES, ...rules },
  })
  assert(created.status() === 201, JSON.stringify(created.body()))
  const product = created.body().product
  ;(await owner.patch(`/products/${product.id}`, { status: 'on_sale' })).assertStatus(200)
  // The standing session the pass is sold in: its quota is how many passes are for sale.
  const session = await owner.post('/sessions', {
    siteId: siteA.id,
    kind: 'open_date',
    name: '2026 passes',
    startsAt: DateTime.now().minus({ days: 1 }).toISO(),
    endsAt: DateTime.now().plus({ days: 300 }).toISO(),
  })
  session.assertStatus(201)
  const sessionId = session.body().session.id
  ;(await owner.post(`/sessions/${sessionId}/quotas`, { name: 'Passes', capacity: 50, productIds: [product.id] })).assertStatus(201)
  const gate = async (name: string, siteId: number) => {
    const registered = (await owner.post('/devices', { name, kind: 'gate', siteId })).body()
    return deviceClient(tenant, { keyId: registered.device.keyId, secret: registered.secret })
  }
  const gates = { a1: await gate('A east', siteA.id), a2: await gate('A west', siteA.id), b: await gate('B gate', siteB.id) }
  const visitor = await visitorAgent(client, tenant.slug, `pass-${randomUUID()}@visitor.test`)
  return { tenant, owner, product, sessionId, siteA, siteB, gates, visitor: visitor.agent }
}

type Venue = Awaited<ReturnType<typeof passVenue>>

/** The visitor buys one pass; paid through the sandbox cashier unless it is free. Its pass from "my passes". */
async function buyPass(client: ApiClient, venue: Venue) {
  const placed = await venue.visitor.withHeaders({ 'Idempotency-Key': randomUUID() }).post('/orders', {
    items: [{ productId: venue.product.id, sessionId: venue.sessionId, quantity: 1 }],
    holders: [{ item: 0, ...HOLDER }],
    contact: { name: HOLDER.name, phone: HOLDER.phone },
  })
  placed.assertStatus(201)
  const { order, accessToken } = placed.body()
  if (order.totalAmount > 0) await pay(client, venue.tenant, order.number, accessToken)
  const passes = await eventually(
    async () => (await venue.visitor.get('/account/passes')).body().passes as any[],
    (list) => list.some((pass) => pass.order === order.number)
  )
  return { pass: passes.find((pass) => pass.order === order.number), number: order.number as string, accessToken: accessToken as string }
}

async function pay(client: ApiClient, tenant: Tenant, number: string, accessToken: string) {
  const payment = await startPayment(client, tenant, number, accessToken, 'wechat_pay')
  await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
  await eventually(
    async () => (await client.get(`/t/${tenant.slug}/api/orders/${number}`).header('X-Order-Token', accessToken)).body().order.status,
    (status) => status === 'issued'
  )
}

const passRow = (venue: Venue, id: number) => db.from(`${venue.tenant.schemaName}.passes`).where('id', id).firstOrFail()

/** Moves the pass's past one day back: its entries and activation happened yesterday. */
async function aDayLater(venue: Venue, passId: number) {
  const row = await passRow(venue, passId)
  const yesterday = DateTime.now().setZone('Asia/Shanghai').minus({ days: 1 }).toISODate()
  const siteDays = Object.fromEntries(Object.keys(row.site_days).map((site) => [site, yesterday]))
  await db.from(`${venue.tenant.schemaName}.passes`).where('id', passId).update({ site_days: JSON.stringify(siteDays), activated_at: db.raw(`activated_at - interval '1 day'`) })
  await db.from(`${venue.tenant.schemaName}.order_tickets`).where('id', row.ticket_id).update({ last_entry_at: db.raw(`last_entry_at - interval '1 day'`), inside: false })
}

async function setRules(venue: Venue, rules: Record<string, unknown>) {
  ;(await venue.owner.patch(`/products/${venue.product.id}`, { passRules: { ...PASS_RULES, ...rules } })).assertStatus(200)
}

test.group('Annual passes (年卡)', () => {
  test('bought through the sandbox, activated at the first entry, one entry per site per day, blackout dates', async ({ client, assert }) => {
    const venue = await passVenue(client)
    const hook = await venue.owner.post('/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['pass.activated', 'pass.renewed'] })
    hook.assertStatus(201)
    const { pass } = await buyPass(client, venue)
    assert.deepInclude(pass, { status: 'pending_activation', activatedAt: null, validUntil: null, entriesLeft: null })
    assert.deepEqual(pass.holder, { name: '李**', idMasked: '110105********002X', phone: '138****5678' })
    assert.isString(pass.code)

    const first = (await venue.gates.a1.scan({ code: pass.code })).body.answer
    assert.deepInclude(first, { ok: true, result: 'admitted', people: 1 })
    const started = await passRow(venue, pass.id)
    assert.equal(started.status, 'active')
    assert.equal(DateTime.fromJSDate(started.valid_until).setZone('Asia/Shanghai').toISODate(), DateTime.now().setZone('Asia/Shanghai').plus({ days: 365 }).toISODate())
    const activatedEvents = await db.from(`${venue.tenant.schemaName}.webhook_deliveries`).where('event_type', 'pass.activated')
    assert.lengthOf(activatedEvents, 1)
    assert.equal(activatedEvents[0].payload.data.pass, pass.id)

    // The same site again today: refused at either of its gates, with the reason.
    const again = (await venue.gates.a2.scan({ code: pass.code })).body.answer
    assert.deepInclude(again, { ok: false, result: 'already_entered_today', message: 'This pass has already entered this site today' })
    // Another site of the venue: admitted, by ID card too.
    const siteB = (await venue.gates.b.scan({ idNumber: HOLDER.idNumber, method: 'id_card' })).body.answer
    assert.deepInclude(siteB, { ok: true, result: 'admitted' })
    assert.equal(siteB.ticket.id, pass.ticketId)
    assert.equal((await venue.gates.b.scan({ idNumber: HOLDER.idNumber, method: 'id_card' })).body.answer.result, 'already_entered_today')

    // The next day: site A admits again.
    await aDayLater(venue, pass.id)
    assert.deepInclude((await venue.gates.a1.scan({ code: pass.code })).body.answer, { ok: true, result: 'admitted' })

    // A blackout date (节假日): refused at a site not yet entered today.
    await setRules(venue, { blackoutDates: [{ from: today() }] })
    assert.deepInclude((await venue.gates.b.scan({ code: pass.code })).body.answer, { ok: false, result: 'blackout_date', message: 'Passes are not valid today (blackout date)' })
    const ticket = await db.from(`${venue.tenant.schemaName}.order_tickets`).where('id', pass.ticketId).firstOrFail()
    assert.equal(ticket.entries_used, 3)

    // Staff see every scan of it.
    const detail = (await venue.owner.get(`/passes/${pass.id}`)).body().pass
    assert.deepEqual(detail.entries.map((entry: any) => entry.result), ['blackout_date', 'admitted', 'already_entered_today', 'admitted', 'already_entered_today', 'admitted'])
    assert.deepEqual(detail.events.map((event: any) => event.type), ['issued', 'activated'])
  })

  test('two gates scanning one pass at the same instant admit once when it is one entry per site per day', async ({ client, assert }) => {
    const venue = await passVenue(client, {}, 0)
    const { pass } = await buyPass(client, venue)
    const scans = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? venue.gates.a1 : venue.gates.a2).scan({ code: pass.code })))
    const results = scans.map((scan) => scan.body.answer?.result ?? `${scan.status} ${scan.text}`)
    assert.equal(results.filter((result) => result === 'admitted').length, 1)
    assert.equal(results.filter((result) => result === 'already_entered_today').length, 11)
    const ticket = await db.from(`${venue.tenant.schemaName}.order_tickets`).where('id', pass.ticketId).firstOrFail()
    assert.equal(ticket.entries_used, 1)
  })

  test('manual activation, N entries, expiry; a renewal paid through the sandbox extends it and tells pass.renewed', async ({ client, assert }) => {
    const venue = await passVenue(client, { activation: 'manual', entries: 2, oncePerSitePerDay: false })
    ;(await venue.owner.post('/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['pass.renewed'] })).assertStatus(201)
    const { pass } = await buyPass(client, venue)

    assert.deepInclude((await venue.gates.a1.scan({ code: pass.code })).body.answer, { ok: false, result: 'pass_not_active' })
    const activated = await venue.visitor.post(`/account/passes/${pass.id}/activate`)
    activated.assertStatus(200)
    assert.deepInclude(activated.body().pass, { status: 'active', entriesLeft: 2 })
    for (const left of [1, 0]) {
      const answer = (await venue.gates.a1.scan({ code: pass.code })).body.answer
      assert.deepInclude(answer, { result: 'admitted' })
      assert.equal(answer.ticket.entriesLeft, left)
    }
    assert.deepInclude((await venue.gates.b.scan({ code: pass.code })).body.answer, { ok: false, result: 'no_entries_left', message: 'No entries left on this pass' })

    // Not yet in the renewal window (it opens 30 days before expiry).
    const early = await venue.visitor.post(`/account/passes/${pass.id}/renewals`)
    early.assertStatus(422)
    assert.equal(early.body().errors[0].code, 'E_PASS_NOT_RENEWABLE')

    // Expired yesterday: refused at the gate; renewing now counts a year from today.
    const expiredAt = DateTime.now().setZone('Asia/Shanghai').startOf('day')
    await db.from(`${venue.tenant.schemaName}.passes`).where('id', pass.id).update({ valid_until: expiredAt.toJSDate() })
    const expired = (await venue.gates.a1.scan({ code: pass.code })).body.answer
    assert.deepInclude(expired, { ok: false, result: 'pass_expired' })
    assert.equal(expired.message, `Pass expired on ${expiredAt.minus({ days: 1 }).toISODate()}: renew it to come in`)

    const renewal = await venue.visitor.post(`/account/passes/${pass.id}/renewals`)
    renewal.assertStatus(201)
    const { order, accessToken } = renewal.body()
    assert.deepInclude(order, { totalAmount: 20000, status: 'pending_payment' })
    // Asking again while it waits for payment answers the same order.
    const repeated = await venue.visitor.post(`/account/passes/${pass.id}/renewals`)
    repeated.assertStatus(200)
    assert.equal(repeated.body().order.number, order.number)

    await pay(client, venue.tenant, order.number, accessToken)
    const renewed = await passRow(venue, pass.id)
    assert.equal(DateTime.fromJSDate(renewed.valid_until).setZone('Asia/Shanghai').toISODate(), expiredAt.plus({ days: 365 }).toISODate())
    assert.equal(renewed.entries_allowed, 4)
    assert.deepInclude((await venue.gates.a1.scan({ code: pass.code })).body.answer, { ok: true, result: 'admitted' })

    const told = await db.from(`${venue.tenant.schemaName}.webhook_deliveries`).where('event_type', 'pass.renewed')
    assert.lengthOf(told, 1)
    const payload = told[0].payload.data
    assert.deepInclude(payload, { pass: pass.id, entriesAllowed: 4 })
    assert.deepInclude(payload.renewal, { order: order.number, price: 20000 })
    // The renewal order has no ticket: no "tickets issued" message for it.
    const messages = await db.from(`${venue.tenant.schemaName}.outbox_messages`).where('template', 'tickets_issued').where('channel', 'sms')
    assert.lengthOf(messages, 1)
  })

  test('a refund before the first entry revokes the pass; once used it is not refundable', async ({ client, assert }) => {
    const venue = await passVenue(client)
    const unused = await buyPass(client, venue)
    const refund = await client.post(`/t/${venue.tenant.slug}/api/orders/${unused.number}/refunds`).header('X-Order-Token', unused.accessToken).json({ reason: 'changed my mind' })
    refund.assertStatus(201)
    assert.equal((await passRow(venue, unused.pass.id)).status, 'revoked')
    assert.deepInclude((await venue.gates.a1.scan({ code: unused.pass.code })).body.answer, { ok: false, result: 'refunded' })
    assert.equal((await venue.gates.a1.scan({ idNumber: HOLDER.idNumber, method: 'id_card' })).body.answer.result, 'unknown')
    const mine = (await venue.visitor.get('/account/passes')).body().passes
    assert.deepInclude(mine.find((pass: any) => pass.id === unused.pass.id), { status: 'revoked', code: null })

    const used = await buyPass(client, venue)
    assert.equal((await venue.gates.a1.scan({ code: used.pass.code })).body.answer.result, 'admitted')
    const late = await client.post(`/t/${venue.tenant.slug}/api/orders/${used.number}/refunds`).header('X-Order-Token', used.accessToken).json({})
    late.assertStatus(409)
    assert.equal(late.body().errors[0].code, 'E_ORDER_NOT_REFUNDABLE')
    assert.equal((await passRow(venue, used.pass.id)).status, 'active')
  })

  test('staff search, suspend, resume, extend and revoke a pass, each with a reason, audited', async ({ client, assert }) => {
    const venue = await passVenue(client, {}, 0)
    const { pass } = await buyPass(client, venue)

    for (const q of ['李小', HOLDER.idNumber, '002X', '5678']) {
      const found = await venue.owner.get(`/passes?q=${encodeURIComponent(q)}`)
      assert.deepEqual(found.body().passes?.map((p: any) => p.id), [pass.id], `${q}: ${found.status()} ${JSON.stringify(found.body())}`)
    }
    assert.lengthOf((await venue.owner.get('/passes?q=nobody')).body().passes, 0)
    assert.lengthOf((await venue.owner.get('/passes?status=pending_activation')).body().passes, 1)
    assert.lengthOf((await venue.owner.get('/passes?status=active')).body().passes, 0)

    const missingReason = await venue.owner.post(`/passes/${pass.id}/suspend`, {})
    missingReason.assertStatus(422)
    ;(await venue.owner.post(`/passes/${pass.id}/suspend`, { reason: 'Card reported lost' })).assertStatus(200)
    assert.deepInclude((await venue.gates.a1.scan({ code: pass.code })).body.answer, { ok: false, result: 'pass_suspended' })
    ;(await venue.owner.post(`/passes/${pass.id}/resume`, { reason: 'Found again' })).assertStatus(200)
    assert.deepInclude((await venue.gates.a1.scan({ code: pass.code })).body.answer, { ok: true, result: 'admitted' })

    const before = (await venue.owner.get(`/passes/${pass.id}`)).body().pass
    const extended = await venue.owner.post(`/passes/${pass.id}/extend`, { days: 14, reason: 'Park closed two weeks for repairs' })
    extended.assertStatus(200)
    assert.equal(new Date(extended.body().pass.validUntil).getTime() - new Date(before.validUntil).getTime(), 14 * 86_400_000)
    assert.equal((await venue.owner.post(`/passes/${pass.id}/extend`, { days: 0, reason: 'x' })).status(), 422)

    ;(await venue.owner.post(`/passes/${pass.id}/revoke`, { reason: 'Pass shared with another person' })).assertStatus(200)
    assert.deepInclude((await venue.gates.b.scan({ code: pass.code })).body.answer, { ok: false, result: 'pass_revoked' })
    assert.equal((await venue.owner.post(`/passes/${pass.id}/resume`, { reason: 'no' })).status(), 409)

    const detail = (await venue.owner.get(`/passes/${pass.id}`)).body().pass
    assert.deepEqual(detail.events.map((event: any) => [event.type, event.reason]), [
      ['issued', null],
      ['suspended', 'Card reported lost'],
      ['resumed', 'Found again'],
      ['activated', null],
      ['extended', 'Park closed two weeks for repairs'],
      ['revoked', 'Pass shared with another person'],
    ])
    const audits = await db.from(`${venue.tenant.schemaName}.audit_logs`).where('subject_type', 'pass').orderBy('id').select('action')
    assert.deepEqual(audits.map((row) => row.action), ['pass.suspended', 'pass.resumed', 'pass.extended', 'pass.revoked'])
  })

  test('the offline list carries the passes a gate decides on, signed', async ({ client, assert }) => {
    const venue = await passVenue(client, { siteIds: [] }, 0)
    const { pass } = await buyPass(client, venue)
    assert.equal((await venue.gates.a1.scan({ code: pass.code })).body.answer.result, 'admitted')

    const list = await venue.gates.a2.call('GET', '/offline-list')
    assert.equal(list.status, 200)
    const [kid, signature] = String(list.headers.get('x-tessera-signature')).split('.')
    const key = list.body.keys.find((k: any) => k.kid === kid)
    assert.isTrue(verify(null, Buffer.from(list.text), publicKeyFromRaw(key.publicKey), Buffer.from(signature, 'base64url')))
    const listed = list.body.passes.find((p: any) => p.id === pass.id)
    assert.deepInclude(listed, { ticketId: pass.ticketId, status: 'active', entriesLeft: null, oncePerSitePerDay: true, enteredToday: true, blackoutToday: false })
    // Site B's gate: not entered there today.
    assert.deepInclude((await venue.gates.b.call('GET', '/offline-list')).body.passes.find((p: any) => p.id === pass.id), { enteredToday: false })
    // Changed since the last list: the suspension reaches the gates incrementally.
    const since = list.body.generatedAt
    ;(await venue.owner.post(`/passes/${pass.id}/suspend`, { reason: 'Under review' })).assertStatus(200)
    const changed = (await venue.gates.a2.call('GET', `/offline-list?updatedSince=${encodeURIComponent(since)}`)).body
    assert.deepEqual(changed.passes.map((p: any) => [p.id, p.status]), [[pass.id, 'suspended']])
  })

  test('a pass product is real-name, open-date and has rules; others have none', async ({ client, assert }) => {
    const venue = await passVenue(client)
    const base = { siteId: venue.siteA.id, name: 'Pass', kind: 'annual_pass', basePrice: 100, validity: 'open_date', realNameRequired: true }
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, passRules: PASS_RULES, realNameRequired: false }, 'realNameRequired'],
      [{ ...base, passRules: PASS_RULES, validity: 'session' }, 'validity'],
      [{ ...base }, 'passRules'],
      [{ ...base, kind: 'adult', passRules: PASS_RULES }, 'passRules'],
      [{ ...base, passRules: { ...PASS_RULES, blackoutDates: [{ from: '2026-10-07', to: '2026-10-01' }] } }, 'passRules.blackoutDates.0.to'],
      [{ ...base, passRules: { ...PASS_RULES, siteIds: [999999] } }, 'passRules.siteIds'],
    ]
    for (const [body, field] of cases) {
      const response = await venue.owner.post('/products', body)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(body))
    }
    const stored = (await venue.owner.get(`/products/${venue.product.id}`)).body().product
    assert.deepEqual(stored.passRules.blackoutDates, [])
    assert.equal(stored.passRules.validity.length, 365)
  })
})
