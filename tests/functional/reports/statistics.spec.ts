import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent } from '#tests/helpers/tenants'
import { onCommissionPlan, rows, today, tradingDay } from '#tests/functional/reports/report_fixtures'
import { commissionOf } from '#platform/services/plans'

const sum = (list: any[], pick: (row: any) => number) => list.reduce((total, row) => total + pick(row), 0)

test.group('Reports: statistics', () => {
  test('totals agree to the fen with the orders, payments and refunds tables', async ({ client, assert }) => {
    const day = await tradingDay(client)
    const { tenant, owner } = day
    const report = await owner.get(`/reports/statistics?from=${today()}&to=${today()}`)
    report.assertStatus(200)
    const { summary, byDay, byChannel, byProduct, topProducts, sessions, entriesByHour, bySalesChannel } = report.body()

    // Straight from the tables.
    const orders = await rows(tenant, 'orders')
    const sold = orders.filter((order) => order.paid_at)
    const tickets = (await rows(tenant, 'order_tickets')).filter((ticket) => !ticket.replaces_id && sold.some((order) => order.id === ticket.order_id))
    const payments = (await rows(tenant, 'payments')).filter((payment) => payment.status === 'paid' && !payment.surplus)
    const refunds = (await rows(tenant, 'refunds')).filter((refund) => refund.status === 'succeeded' && refund.kind !== 'surplus')
    const checkins = (await rows(tenant, 'checkins')).filter((checkin) => checkin.result === 'admitted' && checkin.direction === 'entry')
    const paid = sum(payments, (payment) => payment.amount)
    const refunded = sum(refunds, (refund) => refund.amount)
    assert.deepInclude(summary, {
      orders: sold.length,
      tickets: tickets.length,
      sales: sum(sold, (order) => order.total_amount),
      discounts: sum(sold, (order) => order.discount_amount),
      payments: payments.length,
      paid,
      refunded,
      net: paid - refunded,
      refunds: refunds.length,
      refundedTickets: sum(refunds, (refund) => refund.ticket_ids.length),
      refundFees: sum(refunds, (refund) => refund.fee),
      entries: sum(checkins, (checkin) => checkin.people),
    })
    // What the fixture did, in fen: 2×80.00 (WeChat), 2×80.00 + 50.00 − 3.33 (Alipay, coupon), 2×50.00 (UnionPay), a free ticket.
    assert.deepInclude(summary, { orders: 4, tickets: 8, sales: 46667, paid: 46667, refunded: 17000, net: 29667, refundFees: 1000, refundedTickets: 3, entries: 2 })
    assert.deepEqual(summary.refundRate, { amount: Math.round((17000 / 46667) * 10_000) / 10_000, count: 0.375 })
    assert.deepEqual(summary.checkin, { sessions: 1, capacity: 40, sold: 5, checkedIn: 2, rate: 0.4 })

    assert.lengthOf(byDay, 1)
    assert.deepInclude(byDay[0], { date: today(), orders: 4, sales: 46667, paid: 46667, refunded: 17000, entries: 2 })

    const channel = (name: string) => byChannel.find((row: any) => row.channel === name)
    const paidAt = (name: string) => sum(payments.filter((payment) => payment.channel === name), (payment) => payment.amount)
    const refundedAt = (name: string) =>
      sum(refunds.filter((refund) => payments.find((payment) => payment.id === refund.payment_id)?.channel === name), (refund) => refund.amount)
    for (const name of ['wechat_pay', 'alipay', 'unionpay']) assert.deepInclude(channel(name), { paid: paidAt(name), refunded: refundedAt(name), orders: 1 })
    assert.deepInclude(channel('free'), { orders: 1, tickets: 1, sales: 0, paid: 0 })
    assert.deepInclude(channel('wechat_pay'), { sales: 16000, refunded: 7000, net: 9000 })
    assert.deepEqual(bySalesChannel, [{ salesChannel: 'visitor', orders: 4, tickets: 8, sales: 46667 }])

    // Products add up to sales; the coupon's 3.33 is shared as refunds share it (1.26 + 1.26 on the 80.00s, 0.81 on the 50.00).
    assert.equal(sum(byProduct, (row) => row.sales), summary.sales)
    const product = (id: number) => byProduct.find((row: any) => row.productId === id)
    assert.deepInclude(product(day.products.a), { tickets: 4, sales: 16000 + 2 * (8000 - 126), refundedTickets: 1 })
    assert.deepInclude(product(day.products.b), { tickets: 3, sales: 5000 - 81 + 10000, refundedTickets: 2 })
    assert.deepInclude(product(day.products.c), { tickets: 1, sales: 0 })
    assert.deepEqual(topProducts.map((row: any) => row.productId), [day.products.a, day.products.b, day.products.c])

    assert.lengthOf(sessions, 1)
    assert.deepInclude(sessions[0], { sessionId: day.session.id, capacity: 40, sold: 5, checkedIn: 2, checkinRate: 0.4 })
    assert.lengthOf(entriesByHour, 24)
    const hour = DateTime.fromJSDate(checkins[0].occurred_at).setZone('Asia/Shanghai').hour
    assert.equal(entriesByHour[hour].entries, 2)
    assert.equal(sum(entriesByHour, (row) => row.entries), 2)

    // A payment at 23:59:59.999 Beijing belongs to that day, not the next.
    const lastMoment = DateTime.fromISO(today(), { zone: 'Asia/Shanghai' }).minus({ milliseconds: 1 }).toJSDate()
    const alipayOrder = orders.find((order) => order.number === day.orders.alipay.number)
    await db.from(`${tenant.schemaName}.orders`).where('id', alipayOrder.id).update({ paid_at: lastMoment })
    await db.from(`${tenant.schemaName}.payments`).where('out_trade_no', day.payments.alipay.outTradeNo).update({ paid_at: lastMoment })
    const yesterday = DateTime.fromISO(today()).minus({ days: 1 }).toISODate()
    const split = (await owner.get(`/reports/statistics?from=${yesterday}&to=${today()}`)).body()
    assert.deepEqual(
      split.byDay.map((row: any) => [row.date, row.orders, row.sales, row.paid]),
      [
        [yesterday, 1, 20667, 20667],
        [today(), 3, 26000, 26000],
      ]
    )
    assert.equal(split.summary.paid, 46667)
    assert.equal((await owner.get(`/reports/statistics?from=${today()}&to=${today()}`)).body().summary.paid, 26000)
  })

  test("the platform's commission is its plan's rate on each order's sales, rounded per order", async ({ client, assert }) => {
    const { tenant, owner } = await tradingDay(client)
    const report = async () => (await owner.get(`/reports/statistics?from=${today()}&to=${today()}`)).body()
    assert.include((await report()).summary, { commission: 0 })

    await onCommissionPlan(tenant, 250, async () => {
      const sold = (await rows(tenant, 'orders')).filter((order) => order.paid_at)
      const expected = sum(sold, (order) => commissionOf(order.total_amount, 250))
      const { summary, byDay, byChannel, commissionBp } = await report()
      assert.equal(commissionBp, 250)
      assert.isAbove(expected, 0)
      assert.equal(summary.commission, expected)
      assert.equal(byDay[0].commission, expected)
      assert.equal(sum(byChannel, (row) => row.commission), expected)
    })
  })

  test('a range is checked, and reports need reports:read', async ({ client, assert }) => {
    const day = await tradingDay(client)
    const { tenant, owner } = day
    const long = await owner.get('/reports/statistics?from=2025-01-01&to=2026-01-02')
    long.assertStatus(422)
    assert.equal(long.body().errors[0].code, 'E_RANGE_TOO_LONG')
    ;(await owner.get('/reports/statistics?from=2025-01-01&to=2025-12-31')).assertStatus(200)
    ;(await owner.get('/reports/statistics?from=2025-02-01&to=2025-01-31')).assertStatus(422)
    ;(await owner.get('/reports/statistics?from=2025-02-30&to=2025-03-01')).assertStatus(422)
    ;(await owner.post('/staff', { email: `desk@${tenant.slug}.test`, fullName: 'Desk', password: 'staff-pass-2026', roles: ['box_office'] })).assertStatus(201)
    const desk = await consoleAgent(client, tenant.slug, `desk@${tenant.slug}.test`, 'staff-pass-2026')
    ;(await desk.get(`/reports/statistics?from=${today()}&to=${today()}`)).assertStatus(403)
    ;(await desk.get(`/reports/exports/orders?from=${today()}&to=${today()}`)).assertStatus(403)
  })
})
