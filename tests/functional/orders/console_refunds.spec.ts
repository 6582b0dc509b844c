import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent, setBookingRules } from '#tests/helpers/tenants'
import { eventually, nextNotificationFaults, payableVenue, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { laterSession } from '#tests/helpers/catalog'
import type { ApiClient } from '@japa/api-client'
import type Tenant from '#tenancy/models/tenant'

const ID = '11010519491231002X'

/** A paid order of one real-name ticket, bought by a visitor without an account. */
async function paidOrder(client: ApiClient, tenant: Tenant, productId: number, sessionId: number, key: string) {
  const placed = await client
    .post(`/t/${tenant.slug}/api/orders`)
    .header('Idempotency-Key', key)
    .json({ items: [{ productId, sessionId, quantity: 1 }], holders: [{ item: 0, name: '赵六', idNumber: ID }], contact: { phone: '13600002222' } })
  placed.assertStatus(201)
  const { order, accessToken } = placed.body()
  const payment = await startPayment(client, tenant, order.number, accessToken, 'wechat_pay')
  await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
  await eventually(() => viewOrder(client, tenant, order.number, accessToken), (o) => o.status === 'issued')
  return { number: order.number as string, accessToken: accessToken as string }
}

test.group('Refunds at the console', () => {
  test('staff approve or reject what visitors ask, when the venue reviews refunds', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'], { quotas: [{ capacity: 10 }], products: [{ idLimitScope: 'session' }] })
    const { tenant } = sale
    const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, 'correct-horse-42')
    await setBookingRules(owner, { refundApproval: 'staff' })
    for (const [local, role] of [['clerk', 'box_office'], ['money', 'finance']]) {
      ;(await owner.post('/staff', { email: `${local}@${tenant.slug}.test`, fullName: local, password: 'staff-pass-2026', roles: [role] })).assertStatus(201)
    }
    const clerk = await consoleAgent(client, tenant.slug, `clerk@${tenant.slug}.test`, 'staff-pass-2026')
    const finance = await consoleAgent(client, tenant.slug, `money@${tenant.slug}.test`, 'staff-pass-2026')

    const first = await paidOrder(client, tenant, sale.products[0].id, sale.session.id, 'console-refund-1')
    const asked = await client.post(`/t/${tenant.slug}/api/orders/${first.number}/refunds`).header('X-Order-Token', first.accessToken).json({ reason: 'rain' })
    asked.assertStatus(201)
    assert.equal(asked.body().refund.status, 'requested')
    assert.equal(asked.body().order.status, 'refunding')
    assert.deepEqual(asked.body().order.tickets.map((t: any) => t.status), ['refunding'])

    ;(await clerk.post(`/refunds/${asked.body().refund.id}/approve`)).assertStatus(403)
    const approved = await finance.post(`/refunds/${asked.body().refund.id}/approve`)
    approved.assertStatus(200)
    await eventually(() => viewOrder(client, tenant, first.number, first.accessToken), (o) => o.status === 'refunded')

    // The same ID may book this session again once its ticket was refunded (its claim is gone).
    const second = await paidOrder(client, tenant, sale.products[0].id, sale.session.id, 'console-refund-2')
    const again = await client.post(`/t/${tenant.slug}/api/orders/${second.number}/refunds`).header('X-Order-Token', second.accessToken).json({})
    const rejected = await finance.post(`/refunds/${again.body().refund.id}/reject`, { reason: 'Event day tickets are final' })
    rejected.assertStatus(200)
    assert.equal(rejected.body().refund.status, 'rejected')
    const kept = await viewOrder(client, tenant, second.number, second.accessToken)
    assert.equal(kept.status, 'issued')
    assert.deepEqual(kept.tickets.map((t: any) => t.status), ['valid'])
    ;(await finance.post(`/refunds/${again.body().refund.id}/approve`)).assertStatus(409)

    // Staff find orders by phone, by the holder's ID number, by status.
    const byPhone = (await clerk.get('/orders?phone=13600002222')).body()
    assert.equal(byPhone.meta.total, 2)
    assert.equal((await clerk.get(`/orders?idNumber=${ID}&status=issued`)).body().data[0].number, second.number)
    const detail = (await clerk.get(`/orders/${second.number}`)).body().order
    assert.deepEqual(detail.tickets[0].holder, { name: '赵六', idMasked: '110105********002X', phone: null })
    assert.includeMembers(detail.timeline.map((e: any) => e.type), ['placed', 'payment_started', 'paid', 'issued', 'refund_requested', 'refund_rejected'])
  })

  test('a refund outside the rules needs an override with a reason, and is audited', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'])
    const { tenant } = sale
    await db.from(`${tenant.schemaName}.products`).update({ refundable: false })
    const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, 'correct-horse-42')
    const order = await paidOrder(client, tenant, sale.products[0].id, sale.session.id, 'override-1')

    const visitor = await client.post(`/t/${tenant.slug}/api/orders/${order.number}/refunds`).header('X-Order-Token', order.accessToken).json({})
    visitor.assertStatus(422)
    assert.equal(visitor.body().errors[0].code, 'E_NOT_REFUNDABLE')
    const plain = await owner.post(`/orders/${order.number}/refunds`, { reason: 'asked nicely' })
    plain.assertStatus(422)
    const tooMuch = await owner.post(`/orders/${order.number}/refunds`, { reason: 'goodwill', override: { fee: 9000, reason: 'Guest fell ill on the way' } })
    tooMuch.assertStatus(422)
    assert.equal(tooMuch.body().errors[0].field, 'override.fee')

    const done = await owner.post(`/orders/${order.number}/refunds`, { reason: 'goodwill', override: { fee: 1000, reason: 'Guest fell ill on the way' } })
    done.assertStatus(201)
    assert.deepInclude(done.body().refund, { amount: 7000, fee: 1000, kind: 'staff' })
    await eventually(() => viewOrder(client, tenant, order.number, order.accessToken), (o) => o.status === 'refunded')
    const audit = await db.from(`${tenant.schemaName}.audit_logs`).where('action', 'refund.override').firstOrFail()
    assert.equal(audit.meta.reason, 'Guest fell ill on the way')
    assert.equal(audit.actor_type, 'staff')
  })

  test('a refund the channel fails is kept open until staff send it again; ABNORMAL is not final', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'], { quotas: [{ capacity: 5 }] })
    const { tenant } = sale
    const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, 'correct-horse-42')
    const order = await paidOrder(client, tenant, sale.products[0].id, sale.session.id, 'failing-refund-1')

    await nextNotificationFaults('wechat_pay', { refundOutcome: 'closed' })
    const asked = await client.post(`/t/${tenant.slug}/api/orders/${order.number}/refunds`).header('X-Order-Token', order.accessToken).json({})
    asked.assertStatus(201)
    const failed = await eventually(() => viewOrder(client, tenant, order.number, order.accessToken), (o) => o.refunds[0]?.status === 'failed')
    assert.equal(failed.status, 'refunding')
    assert.equal(failed.refundedAmount, 0)

    const retried = await owner.post(`/refunds/${asked.body().refund.id}/retry`)
    retried.assertStatus(200)
    assert.notEqual(retried.body().refund.outRefundNo, asked.body().refund.outRefundNo)
    const done = await eventually(() => viewOrder(client, tenant, order.number, order.accessToken), (o) => o.status === 'refunded')
    assert.equal(done.refundedAmount, 8000)
    assert.includeMembers(done.timeline.map((e: any) => e.type), ['refund_failed', 'refund_retried', 'refund_succeeded'])
    ;(await owner.post(`/refunds/${asked.body().refund.id}/retry`)).assertStatus(409)

    const second = await paidOrder(client, tenant, sale.products[0].id, sale.session.id, 'abnormal-refund-1')
    await nextNotificationFaults('wechat_pay', { refundOutcome: 'abnormal' })
    ;(await client.post(`/t/${tenant.slug}/api/orders/${second.number}/refunds`).header('X-Order-Token', second.accessToken).json({})).assertStatus(201)
    const abnormal = await eventually(() => viewOrder(client, tenant, second.number, second.accessToken), (o) => o.refunds[0]?.status === 'abnormal')
    assert.equal(abnormal.status, 'refunding')
    assert.equal(abnormal.refundedAmount, 8000)
  })

  test('a venue that reviews changes: the visitor asks, staff approve, the ticket moves', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'], { quotas: [{ capacity: 5 }] })
    const { tenant } = sale
    const schema = tenant.schemaName
    await db.from(`${schema}.products`).update({ changeable: true })
    const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, 'correct-horse-42')
    await setBookingRules(owner, { changeApproval: 'staff' })
    const next = await laterSession(tenant, sale)
    const order = await paidOrder(client, tenant, sale.products[0].id, sale.session.id, 'reviewed-change-1')

    const asked = await client.post(`/t/${tenant.slug}/api/orders/${order.number}/changes`).header('X-Order-Token', order.accessToken).json({ toSessionId: Number(next.id) })
    asked.assertStatus(201)
    assert.deepInclude(asked.body().change, { status: 'requested', difference: 0 })
    assert.deepEqual(asked.body().order.tickets.map((t: any) => t.status), ['valid'])

    const approved = await owner.post(`/changes/${asked.body().change.id}/approve`)
    approved.assertStatus(200)
    assert.equal(approved.body().change.status, 'completed')
    const moved = await viewOrder(client, tenant, order.number, order.accessToken)
    assert.deepEqual(moved.tickets.map((t: any) => [t.status, t.session.id]), [['changed', sale.session.id], ['valid', Number(next.id)]])
    ;(await owner.post(`/changes/${asked.body().change.id}/reject`, { reason: 'too late' })).assertStatus(409)
  })
})
