/*
 * The box office (售票窗口): a clerk sells at the desk, the buyer pays by scanning the QR code the
 * desk shows (paid here through the sandbox, as the buyer's phone would), and the tickets are issued.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { consoleAgent } from '#tests/helpers/tenants'
import { eventually, openPayment, payableVenue, settle } from '#tests/helpers/payments'
import type { ChannelKind } from '#payments/channel'
import type Tenant from '#tenancy/models/tenant'

const ID = '11010519491231002X'

/** A venue selling through both QR channels, its owner, a box office clerk and a check-in clerk. */
async function deskVenue(client: ApiClient, sale: Parameters<typeof payableVenue>[1] = {}) {
  const venue = await payableVenue(['wechat_pay', 'alipay'], { quotas: [{ capacity: 10 }], ...sale })
  const { tenant } = venue
  const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, 'correct-horse-42')
  for (const [local, role] of [['desk', 'box_office'], ['gate', 'checkin']]) {
    ;(await owner.post('/staff', { email: `${local}@${tenant.slug}.test`, fullName: local, password: 'staff-pass-2026', roles: [role] })).assertStatus(201)
  }
  const desk = await consoleAgent(client, tenant.slug, `desk@${tenant.slug}.test`, 'staff-pass-2026')
  const gate = await consoleAgent(client, tenant.slug, `gate@${tenant.slug}.test`, 'staff-pass-2026')
  return { ...venue, owner, desk, gate }
}

type Agent = Awaited<ReturnType<typeof consoleAgent>>

const sell = (agent: Agent, key: string, body: Record<string, unknown>) => agent.withHeaders({ 'Idempotency-Key': key }).post('/orders', body)

/** The buyer scans the QR code and pays at the sandbox cashier. */
async function payByScanning(tenant: Tenant, kind: ChannelKind, payment: { outTradeNo: string; start: any }) {
  await openPayment(payment.start)
  const row = await db.from(`${tenant.schemaName}.payments`).where('out_trade_no', payment.outTradeNo).firstOrFail()
  await settle(kind, row.merchant_id, payment.outTradeNo)
}

test.group('Box office', () => {
  test('a clerk sells, the buyer pays by scanning a WeChat Pay native QR code, and the tickets are issued', async ({ client, assert }) => {
    const { tenant, products, session, desk } = await deskVenue(client)
    const placed = await sell(desk, 'desk-sale-0001', { items: [{ productId: products[0].id, sessionId: session.id, quantity: 2 }], contact: { name: '散客' } })
    placed.assertStatus(201)
    const order = placed.body().order
    assert.equal(order.status, 'pending_payment')
    assert.equal(order.salesChannel, 'box_office')
    assert.equal(order.totalAmount, 16000)
    assert.deepEqual(order.contact, { name: '散客', phone: null })
    const row = await db.from(`${tenant.schemaName}.orders`).where('number', order.number).firstOrFail()
    assert.isNull(row.visitor_id)

    const started = await desk.post(`/orders/${order.number}/payments`, { channel: 'wechat_pay', method: 'native' })
    started.assertStatus(201)
    const payment = started.body().payment
    assert.equal(payment.method, 'native')
    assert.equal(payment.amount, 16000)
    assert.equal(payment.start.kind, 'qr')
    assert.match(payment.start.url, /^https?:\/\//)

    await payByScanning(tenant, 'wechat_pay', payment)
    const paid = await eventually(async () => (await desk.get(`/orders/${order.number}`)).body().order, (o) => o.status === 'issued')
    assert.deepEqual(paid.tickets.map((t: any) => t.status), ['valid', 'valid'])
    const placedBy = paid.timeline.find((event: any) => event.type === 'placed')
    assert.deepInclude(placedBy, { actorType: 'staff', actorId: String((await desk.get('/me')).body().account.id) })

    const tickets = (await desk.get(`/orders/${order.number}/tickets`)).body().tickets
    assert.lengthOf(tickets, 2)
    assert.isTrue(tickets.every((ticket: any) => typeof ticket.code === 'string' && ticket.code.length > 20))

    const audit = await db.from(`${tenant.schemaName}.audit_logs`).where('subject_id', order.number).orderBy('id').select('action', 'actor_type')
    assert.deepEqual(audit, [
      { action: 'order.sold_at_box_office', actor_type: 'staff' },
      { action: 'payment.started_at_box_office', actor_type: 'staff' },
    ])
  })

  test('Alipay precreate with real-name holders; the same key answers the same order', async ({ client, assert }) => {
    const { tenant, products, session, desk } = await deskVenue(client, { products: [{ idLimitScope: 'session' }] })
    await db.from(`${tenant.schemaName}.products`).update({ real_name_required: true })
    const body = {
      items: [{ productId: products[0].id, sessionId: session.id, quantity: 1 }],
      holders: [{ item: 0, name: '赵六', idNumber: ID }],
      contact: { phone: '13600002222' },
    }
    const first = await sell(desk, 'desk-sale-0002', body)
    first.assertStatus(201)
    const again = await sell(desk, 'desk-sale-0002', body)
    again.assertStatus(200)
    assert.equal(again.body().order.number, first.body().order.number)
    assert.equal(await db.from(`${tenant.schemaName}.orders`).count('* as n').first().then((r) => Number(r.n)), 1)
    const changed = await sell(desk, 'desk-sale-0002', { ...body, contact: { phone: '13600003333' } })
    changed.assertStatus(422)
    assert.equal(changed.body().errors[0].code, 'E_IDEMPOTENCY_KEY_REUSED')

    const number = first.body().order.number
    assert.deepEqual(first.body().order.tickets[0].holder, { name: '赵六', idMasked: '110105********002X', phone: null })
    const started = await desk.post(`/orders/${number}/payments`, { channel: 'alipay' })
    started.assertStatus(201)
    assert.equal(started.body().payment.method, 'precreate')
    assert.equal(started.body().payment.start.kind, 'qr')
    await payByScanning(tenant, 'alipay', started.body().payment)
    await eventually(async () => (await desk.get(`/orders/${number}`)).body().order, (o) => o.status === 'issued')
  })

  test('the desk shows QR codes only, refuses what it cannot do, and needs orders:write', async ({ client, assert }) => {
    const { products, session, desk, gate } = await deskVenue(client)
    const items = [{ productId: products[0].id, sessionId: session.id, quantity: 1 }]

    const noKey = await desk.post('/orders', { items })
    noKey.assertStatus(422)
    assert.equal(noKey.body().errors[0].field, 'Idempotency-Key')
    ;(await sell(gate, 'desk-sale-0003', { items })).assertStatus(403)
    const badPhone = await sell(desk, 'desk-sale-0004', { items, contact: { phone: '12345' } })
    badPhone.assertStatus(422)
    assert.equal(badPhone.body().errors[0].field, 'contact.phone')

    const placed = await sell(desk, 'desk-sale-0005', { items })
    placed.assertStatus(201)
    const number = placed.body().order.number
    ;(await gate.post(`/orders/${number}/payments`, { channel: 'wechat_pay', method: 'native' })).assertStatus(403)
    ;(await gate.get(`/orders/${number}/tickets`)).assertStatus(403)

    const jsapi = await desk.post(`/orders/${number}/payments`, { channel: 'wechat_pay', method: 'jsapi' })
    jsapi.assertStatus(422)
    assert.deepInclude(jsapi.body().errors[0], { field: 'method', code: 'E_NOT_A_QR_METHOD' })
    assert.include(jsapi.body().errors[0].message, 'QR code')
    const unionpay = await desk.post(`/orders/${number}/payments`, { channel: 'unionpay', method: 'front' })
    unionpay.assertStatus(422)
    assert.deepInclude(unionpay.body().errors[0], { field: 'channel', code: 'E_NOT_A_QR_CHANNEL' })

    // Cancelled at the desk (the console's cancel): no longer payable.
    ;(await desk.post(`/orders/${number}/cancel`)).assertStatus(200)
    const late = await desk.post(`/orders/${number}/payments`, { channel: 'wechat_pay' })
    late.assertStatus(409)
    assert.equal(late.body().errors[0].code, 'E_ORDER_NOT_PAYABLE')
  })

  test('reserved seating: the desk takes the best seats available', async ({ client, assert }) => {
    const { products, session, desk } = await deskVenue(client, { hall: { rows: 3, seatsPerRow: 6 } })
    const placed = await sell(desk, 'desk-sale-0007', { items: [{ productId: products[0].id, sessionId: session.id, quantity: 2 }], bestAvailable: { sessionId: session.id } })
    placed.assertStatus(201)
    const seats = placed.body().order.tickets.map((t: any) => t.seat)
    assert.lengthOf(seats, 2)
    assert.isTrue(seats.every((seat: any) => seat && seat.row === seats[0].row))
  })

  test('reserved seating: the clerk picks the seats with the buyer; a seat taken meanwhile is refused', async ({ client, assert }) => {
    const { products, session, desk, seatIds } = await deskVenue(client, { hall: { rows: 3, seatsPerRow: 6 } })
    // Row 2, seats 3 and 4 (seat ids in row-then-seat order).
    const picked = [seatIds[6 + 2], seatIds[6 + 3]]
    const item = { productId: products[0].id, sessionId: session.id, quantity: 2 }
    const placed = await sell(desk, 'desk-sale-0008', { items: [item], seats: picked.map((seatId) => ({ sessionId: session.id, seatId })) })
    placed.assertStatus(201)
    assert.sameMembers(placed.body().order.tickets.map((t: any) => `${t.seat.row}-${t.seat.label}`), ['2-3', '2-4'])

    const again = await sell(desk, 'desk-sale-0009', { items: [item], seats: [seatIds[0], picked[1]].map((seatId) => ({ sessionId: session.id, seatId })) })
    again.assertStatus(409)
    assert.equal(again.body().errors[0].code, 'E_SOLD_OUT')
  })

  test('a free desk sale is issued at once', async ({ client, assert }) => {
    const { products, session, desk } = await deskVenue(client, { products: [{ price: 0 }] })
    const placed = await sell(desk, 'desk-sale-0006', { items: [{ productId: products[0].id, sessionId: session.id, quantity: 1 }] })
    placed.assertStatus(201)
    assert.equal(placed.body().order.status, 'issued')
    assert.equal(placed.body().order.contact.phone, null)
  })

  test('a voucher the buyer brings: its voucher-only ticket is sold at the desk with the code, and only with it', async ({ client, assert }) => {
    const { tenant, products, session, owner, desk } = await deskVenue(client, { products: [{ price: 8000 }, { price: 8000 }] })
    ;(await owner.patch(`/products/${products[1].id}`, { requiresVoucher: true })).assertStatus(200)
    ;(await owner.post('/coupons', { name: '媒体赠票', kind: 'percent_off', value: 100, productIds: [products[1].id], code: 'PRESS-2026' })).assertStatus(201)
    const item = { productId: products[1].id, sessionId: session.id, quantity: 1 }

    const without = await sell(desk, 'desk-sale-0008', { items: [item] })
    without.assertStatus(422)
    assert.equal(without.body().errors[0].field, 'items.0')
    const comp = await sell(desk, 'desk-sale-0009', { items: [item], couponCode: 'press-2026' })
    comp.assertStatus(201)
    assert.deepInclude(comp.body().order, { status: 'issued', totalAmount: 0, salesChannel: 'box_office' })
    // Single use: the code is spent.
    const again = await sell(desk, 'desk-sale-0010', { items: [item], couponCode: 'PRESS-2026' })
    again.assertStatus(422)
    assert.equal(again.body().errors[0].field, 'couponCode')
    assert.equal(await db.from(`${tenant.schemaName}.orders`).where('sales_channel', 'box_office').count('* as n').first().then((r) => Number(r.n)), 1)
  })
})
