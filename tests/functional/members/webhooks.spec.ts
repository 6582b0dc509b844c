import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { deliverDueWebhooks, emitWebhookEvent } from '#members/services/webhooks'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import { consoleAgent, createTenant, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'
import { deviceClient } from '#tests/helpers/devices'
import { eventually, payableVenue, placeOrder, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { webhookReceiver, type WebhookReceiver } from '#tests/helpers/webhook_receiver'

/** Registers the receiver at the venue's console for these events; it learns the secret from the answer. */
async function subscribe(client: ApiClient, tenant: Tenant, hook: WebhookReceiver, events: string[]) {
  const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, OWNER_PASSWORD)
  const created = await owner.post('/webhooks', { url: hook.url, description: 'ERP', events })
  created.assertStatus(201)
  hook.useSecret(created.body().secret)
  return { owner, endpoint: created.body().endpoint }
}

const deliveries = (tenant: Tenant) => db.from(`${tenant.schemaName}.webhook_deliveries`).orderBy('id')

/** Time passes: every pending delivery is due now. */
const makeDue = (tenant: Tenant) => db.from(`${tenant.schemaName}.webhook_deliveries`).where('status', 'pending').update({ next_attempt_at: new Date() })

async function paidOrder(client: ApiClient, sale: Awaited<ReturnType<typeof payableVenue>>, quantity = 1) {
  const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity }])
  const payment = await startPayment(client, sale.tenant, order.number, accessToken, 'wechat_pay')
  await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
  await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')
  return { number: order.number as string, accessToken }
}

test.group('Webhooks to the venue systems', (group) => {
  let hook: WebhookReceiver
  group.each.teardown(() => hook?.close())

  test('a paid order is delivered exactly once under retry, signed, with the same event id', async ({ client, assert }) => {
    hook = await webhookReceiver({ failFirst: true })
    const sale = await payableVenue(['wechat_pay'])
    await subscribe(client, sale.tenant, hook, ['order.paid'])
    const { number } = await paidOrder(client, sale, 2)

    assert.deepEqual(await deliverDueWebhooks(sale.tenant), { delivered: 0, failed: 1 })
    const [waiting] = await deliveries(sale.tenant)
    assert.deepInclude(waiting, { status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500' })
    assert.isAbove(waiting.next_attempt_at.getTime(), Date.now())
    // Not due yet: nothing is sent early.
    assert.deepEqual(await deliverDueWebhooks(sale.tenant), { delivered: 0, failed: 0 })

    await makeDue(sale.tenant)
    assert.deepEqual(await deliverDueWebhooks(sale.tenant), { delivered: 1, failed: 0 })
    await makeDue(sale.tenant)
    assert.deepEqual(await deliverDueWebhooks(sale.tenant), { delivered: 0, failed: 0 })

    assert.lengthOf(hook.received, 2)
    assert.isTrue(hook.received.every((r) => r.verified))
    assert.equal(hook.received[0].eventId, hook.received[1].eventId)
    assert.deepEqual(hook.received.map((r) => r.eventType), ['order.paid', 'order.paid'])
    const event = hook.received[1].body
    assert.equal(event.id, hook.received[0].eventId)
    assert.deepInclude(event.data, { order: number, totalAmount: 2 * sale.products[0].basePrice })
    assert.lengthOf(event.data.tickets, 2)

    const rows = await deliveries(sale.tenant)
    assert.lengthOf(rows, 1)
    assert.deepInclude(rows[0], { status: 'delivered', attempts: 2, last_status_code: 200, event_id: event.id })
  })

  test('a rolled-back change emits nothing; a committed one emits once per subscribed active endpoint', async ({ client, assert }) => {
    hook = await webhookReceiver()
    const { tenant } = await createTenant()
    const { owner } = await subscribe(client, tenant, hook, ['order.paid', 'order.refunded'])
    const other = (await owner.post('/webhooks', { url: hook.url, events: ['ticket.checked_in'] })).body().endpoint
    const disabled = (await owner.post('/webhooks', { url: hook.url, events: ['order.paid'] })).body().endpoint
    ;(await owner.patch(`/webhooks/${disabled.id}`, { status: 'disabled' })).assertStatus(200)

    await assert.rejects(
      () =>
        runInTenant(tenant, async (trx) => {
          await emitWebhookEvent(trx, tenant, 'order.paid', { order: 'T000000ROLLEDBACK0' })
          throw new Error('the change failed')
        }),
      'the change failed'
    )
    assert.lengthOf(await deliveries(tenant), 0)

    await runInTenant(tenant, (trx) => emitWebhookEvent(trx, tenant, 'order.paid', { order: 'T000000COMMITTED00' }))
    const rows = await deliveries(tenant)
    assert.lengthOf(rows, 1)
    assert.notEqual(Number(rows[0].endpoint_id), other.id)
    assert.deepEqual(await deliverDueWebhooks(tenant), { delivered: 1, failed: 0 })
    assert.deepEqual(hook.received.map((r) => [r.eventType, r.verified, r.body.data.order]), [['order.paid', true, 'T000000COMMITTED00']])
  })

  test('a refund is delivered as order.refunded with its amount and tickets', async ({ client, assert }) => {
    hook = await webhookReceiver()
    const sale = await payableVenue(['wechat_pay'])
    await subscribe(client, sale.tenant, hook, ['order.refunded'])
    const { number, accessToken } = await paidOrder(client, sale, 2)
    assert.lengthOf(await deliveries(sale.tenant), 0)

    const [first] = (await viewOrder(client, sale.tenant, number, accessToken)).tickets
    ;(await client.post(`/t/${sale.tenant.slug}/api/orders/${number}/refunds`).header('X-Order-Token', accessToken).json({ ticketIds: [first.id] })).assertStatus(201)
    await eventually(() => viewOrder(client, sale.tenant, number, accessToken), (o) => o.status === 'partially_refunded')

    assert.deepEqual(await deliverDueWebhooks(sale.tenant), { delivered: 1, failed: 0 })
    const [event] = hook.received
    assert.isTrue(event.verified)
    assert.equal(event.eventType, 'order.refunded')
    assert.deepInclude(event.body.data, { order: number, kind: 'visitor', ticketIds: [first.id] })
    assert.isAbove(event.body.data.amount, 0)
  })

  test('a completed change is delivered as order.changed with the new tickets', async ({ client, assert }) => {
    hook = await webhookReceiver()
    const sale = await payableVenue(['wechat_pay'], { quotas: [{ capacity: 5 }] })
    await db.from(`${sale.tenant.schemaName}.products`).update({ changeable: true })
    const { owner } = await subscribe(client, sale.tenant, hook, ['order.changed'])
    // The next day's session, added at the console as staff would.
    const later = sale.session.startsAt.plus({ days: 1 })
    const next = (await owner.post('/sessions', { siteId: sale.site.id, kind: 'slot', startsAt: later.toISO(), endsAt: later.plus({ hours: 1 }).toISO() })).body().session
    ;(await owner.post(`/sessions/${next.id}/quotas`, { name: 'Next day', capacity: 5, productIds: [sale.products[0].id] })).assertStatus(201)
    const { number, accessToken } = await paidOrder(client, sale)
    const [old] = (await viewOrder(client, sale.tenant, number, accessToken)).tickets

    const asked = await client.post(`/t/${sale.tenant.slug}/api/orders/${number}/changes`).header('X-Order-Token', accessToken).json({ toSessionId: next.id })
    asked.assertStatus(201)
    assert.equal(asked.body().change.status, 'completed')

    assert.deepEqual(await deliverDueWebhooks(sale.tenant), { delivered: 1, failed: 0 })
    const [event] = hook.received
    assert.isTrue(event.verified)
    assert.equal(event.eventType, 'order.changed')
    assert.deepInclude(event.body.data, { order: number, change: asked.body().change.id, toSessionId: next.id, difference: 0 })
    assert.deepEqual(event.body.data.tickets.map((t: any) => [t.replacesId, t.sessionId, t.status]), [[old.id, next.id, 'valid']])
  })

  test('an admitted scan at the gate is delivered as ticket.checked_in; a refused one is not', async ({ client, assert }) => {
    hook = await webhookReceiver()
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 0, kind: 'free' }], quotas: [{ capacity: 50 }] })
    await db.from(`${tenant.schemaName}.sessions`).update({ starts_at: new Date(Date.now() - 10 * 60_000), ends_at: new Date(Date.now() + 2 * 3_600_000) })
    const { owner } = await subscribe(client, tenant, hook, ['ticket.checked_in'])
    const gate = (await owner.post('/devices', { name: 'East gate', kind: 'gate', siteId: sale.site.id })).body()
    const device = deviceClient(tenant, { keyId: gate.device.keyId, secret: gate.secret })

    const placed = await client
      .post(`/t/${tenant.slug}/api/orders`)
      .header('Idempotency-Key', randomUUID())
      .json({ items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }], contact: { phone: '13500003333' } })
    placed.assertStatus(201)
    const { order, accessToken } = placed.body()
    const [ticket] = (await client.get(`/t/${tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', accessToken)).body().tickets

    assert.deepInclude((await device.scan({ code: ticket.code })).body.answer, { ok: true, result: 'admitted' })
    assert.deepInclude((await device.scan({ code: ticket.code })).body.answer, { ok: false, result: 'already_used' })

    assert.deepEqual(await deliverDueWebhooks(tenant), { delivered: 1, failed: 0 })
    const [event] = hook.received
    assert.isTrue(event.verified)
    assert.equal(event.eventType, 'ticket.checked_in')
    assert.deepInclude(event.body.data, { ticketId: ticket.id, order: order.number, sessionId: sale.session.id, siteId: sale.site.id, people: 1, method: 'qr', offline: false })
    assert.deepEqual(event.body.data.device, { id: gate.device.id, name: 'East gate' })
  })

  test('staff redeliver a delivery with the same event id, see the log, and never see the secret again', async ({ client, assert }) => {
    hook = await webhookReceiver()
    const sale = await payableVenue(['wechat_pay'])
    const { owner, endpoint } = await subscribe(client, sale.tenant, hook, ['order.paid'])
    await paidOrder(client, sale)
    assert.deepEqual(await deliverDueWebhooks(sale.tenant), { delivered: 1, failed: 0 })

    const log = await owner.get(`/webhooks/${endpoint.id}/deliveries`)
    log.assertStatus(200)
    const [delivery] = log.body().deliveries
    assert.deepInclude(delivery, { eventType: 'order.paid', status: 'delivered', attempts: 1, lastStatusCode: 200 })

    const redelivered = await owner.post(`/webhook-deliveries/${delivery.id}/redeliver`)
    redelivered.assertStatus(200)
    assert.deepInclude(redelivered.body().delivery, { status: 'pending', eventId: delivery.eventId })
    // A rotated secret signs the next attempt; the receiver now knows only the new one.
    const rotated = await owner.post(`/webhooks/${endpoint.id}/rotate-secret`)
    rotated.assertStatus(200)
    hook.useSecret(rotated.body().secret)
    assert.deepEqual(await deliverDueWebhooks(sale.tenant), { delivered: 1, failed: 0 })
    assert.deepEqual(hook.received.map((r) => [r.eventId, r.verified]), [[delivery.eventId, true], [delivery.eventId, true]])

    const { secret: stored } = await db.from(`${sale.tenant.schemaName}.webhook_endpoints`).firstOrFail()
    const answers = [await owner.get('/webhooks'), await owner.get(`/webhooks/${endpoint.id}`), await owner.get(`/webhooks/${endpoint.id}/deliveries`)]
    for (const answer of answers) {
      answer.assertStatus(200)
      const text = JSON.stringify(answer.body())
      assert.notInclude(text, rotated.body().secret)
      assert.notInclude(text, stored)
      assert.notInclude(text, 'secret')
    }
    assert.notEqual(stored, rotated.body().secret)
    const audit = await db.from(`${sale.tenant.schemaName}.audit_logs`).whereLike('action', 'webhook.%')
    assert.notInclude(JSON.stringify(audit), rotated.body().secret)
  })

  test('a URL that is not http(s), an unknown event, a missing endpoint and staff without the permission are refused', async ({ client, assert }) => {
    hook = await webhookReceiver()
    const { tenant } = await createTenant()
    const { owner, endpoint } = await subscribe(client, tenant, hook, ['order.paid'])

    const badUrl = await owner.post('/webhooks', { url: 'ftp://erp.example.com/hooks', events: ['order.paid'] })
    badUrl.assertStatus(422)
    assert.equal(badUrl.body().errors[0].field, 'url')

    const unknown = await owner.post('/webhooks', { url: hook.url, events: ['member.left'] })
    unknown.assertStatus(422)
    assert.equal(unknown.body().errors[0].field, 'events.0')

    const badPatch = await owner.patch(`/webhooks/${endpoint.id}`, { url: 'javascript:alert(1)' })
    badPatch.assertStatus(422)
    assert.equal(badPatch.body().errors[0].field, 'url')

    const changed = await owner.patch(`/webhooks/${endpoint.id}`, { events: ['order.paid', 'ticket.checked_in'] })
    changed.assertStatus(200)
    assert.deepEqual(changed.body().endpoint.events, ['order.paid', 'ticket.checked_in'])

    ;(await owner.patch('/webhooks/999999', { status: 'disabled' })).assertStatus(404)
    ;(await owner.post('/webhook-deliveries/999999/redeliver')).assertStatus(404)

    // The box office has no venue:read nor venue:write.
    const email = `desk@${tenant.slug}.test`
    ;(await owner.post('/staff', { fullName: 'Desk', email, password: 'desk-shift-2024', roles: ['box_office'] })).assertStatus(201)
    const desk = await consoleAgent(client, tenant.slug, email, 'desk-shift-2024')
    ;(await desk.get('/webhooks')).assertStatus(403)
    ;(await desk.post('/webhooks', { url: hook.url, events: ['order.paid'] })).assertStatus(403)
    ;(await desk.post(`/webhooks/${endpoint.id}/rotate-secret`)).assertStatus(403)
  })
})
