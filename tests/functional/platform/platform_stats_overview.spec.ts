import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import { platformAgent } from '#tests/helpers/platform'
import { eventually, payableVenue, placeOrder, settle, startPayment } from '#tests/helpers/payments'
import { mapBounded } from '#core/map_bounded'
import type Tenant from '#tenancy/models/tenant'

const ZONE = 'Asia/Shanghai'

/** A paid order at the venue, through the sandbox as a visitor pays; its paid time moved to `paidAt` if given. */
async function paidOrder(client: ApiClient, venue: Awaited<ReturnType<typeof payableVenue>>, quantity: number, paidAt?: DateTime) {
  const { tenant } = venue
  const { order, accessToken } = await placeOrder(client, tenant, [{ productId: venue.products[0].id, sessionId: venue.session.id, quantity }])
  const payment = await startPayment(client, tenant, order.number, accessToken, 'alipay')
  await settle('alipay', payment.merchantId, payment.outTradeNo)
  await eventually(() => db.from(`${tenant.schemaName}.orders`).where('number', order.number).firstOrFail(), (row) => row.status === 'issued')
  if (paidAt) await db.from(`${tenant.schemaName}.orders`).where('number', order.number).update({ paid_at: paidAt.toJSDate() })
  return order.totalAmount as number
}

/** Paid amount and count per Asia/Shanghai day, and per venue, since `from`, straight from every venue's orders table. */
async function databaseSales(from: string) {
  const tenants = await db.from('tenants').select('id')
  const byDay = new Map<string, { paid: number; orders: number }>()
  const byVenue = new Map<number, { paid: number; orders: number }>()
  for (const { id } of tenants) {
    const { rows } = await db.rawQuery(
      `select to_char(paid_at at time zone ?, 'YYYY-MM-DD') as day, sum(paid_amount)::bigint as paid, count(*)::int as orders
         from tenant_${Number(id)}.orders where paid_at is not null group by 1`,
      [ZONE]
    )
    for (const row of rows) {
      if (row.day < from) continue
      const total = byDay.get(row.day) ?? { paid: 0, orders: 0 }
      byDay.set(row.day, { paid: total.paid + Number(row.paid), orders: total.orders + row.orders })
      const venue = byVenue.get(Number(id)) ?? { paid: 0, orders: 0 }
      byVenue.set(Number(id), { paid: venue.paid + Number(row.paid), orders: venue.orders + row.orders })
    }
  }
  return { byDay, byVenue }
}

test.group('Platform statistics', () => {
  test('sales per venue and across venues agree with the orders tables to the fen', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const a = await payableVenue(['alipay'], { products: [{ price: 8800 }], quotas: [{ capacity: 50 }] })
    const b = await payableVenue(['alipay'], { products: [{ price: 1250 }], quotas: [{ capacity: 50 }] })
    const now = DateTime.now().setZone(ZONE)
    const threeDaysAgo = now.minus({ days: 3 })
    const longAgo = now.minus({ days: 45 })

    const aToday = await paidOrder(client, a, 2)
    const aEarlier = await paidOrder(client, a, 1, threeDaysAgo)
    await paidOrder(client, a, 1, longAgo)
    const bToday = await paidOrder(client, b, 3)
    // A placed but unpaid order is not a sale.
    await placeOrder(client, b.tenant, [{ productId: b.products[0].id, sessionId: b.session.id, quantity: 1 }])

    // The venue list: this month and the last 30 days, per venue.
    const inMonth = (day: DateTime) => day >= now.startOf('month')
    const row = async (tenant: Tenant) => (await admin.get(`/tenants?search=${tenant.slug}`)).body().data[0].sales
    const rowA = await row(a.tenant)
    assert.deepInclude(rowA, {
      last30Paid: aToday + aEarlier,
      last30Orders: 2,
      monthPaid: aToday + (inMonth(threeDaysAgo) ? aEarlier : 0),
      monthOrders: 1 + (inMonth(threeDaysAgo) ? 1 : 0),
    })
    assert.equal(aToday, 17_600)
    assert.deepInclude(await row(b.tenant), { last30Paid: 3750, last30Orders: 1, monthPaid: 3750, monthOrders: 1 })

    // The overview: every day of the window, totals equal to the database's, top venues.
    const stats = await admin.get('/stats?days=7')
    stats.assertStatus(200)
    const body = stats.body()
    assert.lengthOf(body.daily, 7)
    assert.equal(body.daily[6].day, now.toISODate())
    const { byDay: expected, byVenue } = await databaseSales(body.from)
    for (const day of body.daily) {
      assert.deepEqual({ paid: day.paid, orders: day.orders }, expected.get(day.day) ?? { paid: 0, orders: 0 }, day.day)
    }
    assert.equal(body.totals.paid, [...expected.values()].reduce((sum, d) => sum + d.paid, 0))
    assert.isAtLeast(body.totals.paid, aToday + aEarlier + bToday)
    // Top venues: the biggest sellers of the window (whatever else the database holds), each with its own totals.
    assert.deepEqual(byVenue.get(a.tenant.id), { paid: aToday + aEarlier, orders: 2 })
    const ranked = [...byVenue.values()].filter((venue) => venue.orders > 0).sort((x, y) => y.paid - x.paid || y.orders - x.orders)
    assert.lengthOf(body.top, Math.min(10, ranked.length))
    for (const entry of body.top) assert.deepEqual({ paid: entry.paid, orders: entry.orders }, byVenue.get(entry.id), entry.slug)
    assert.deepEqual(
      body.top.map((entry: any) => entry.paid),
      ranked.slice(0, body.top.length).map((venue) => venue.paid)
    )

    // Venues by status and this week's sign-ups, as the tenants table says.
    const counts = await db.from('tenants').groupBy('status').select('status').count('* as n')
    for (const { status, n } of counts) assert.equal(body.tenantsByStatus[status], Number(n))
    assert.lengthOf(body.signupsByWeek, 12)
    const thisWeek = now.startOf('week')
    const signedUp = await db.from('tenants').where('created_at', '>=', thisWeek.toJSDate()).count('* as n')
    assert.equal(body.signupsByWeek[11].signups, Number(signedUp[0].n))
    assert.deepEqual(body.unreadable, [])
  })

  test('venues are worked through a few at a time', async ({ assert }) => {
    let inFlight = 0
    let most = 0
    const results = await mapBounded(Array.from({ length: 20 }, (_, i) => i), async (i) => {
      most = Math.max(most, ++inFlight)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inFlight -= 1
      return i * 2
    })
    assert.equal(most, 4)
    assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i * 2))
  })

  test('the platform audit log lists newest first, filtered by action, actor, venue and day', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const other = await platformAgent(client)
    const venue = await payableVenue(['alipay'])
    await admin.post(`/tenants/${venue.tenant.id}/suspend`, { reason: 'Audit filter test' })
    await admin.post(`/tenants/${venue.tenant.id}/resume`)
    await other.post('/plans', { name: `Audit plan ${process.pid}-${Date.now()}` })

    const byVenue = await admin.get(`/audit-logs?tenantId=${venue.tenant.id}&action=tenant.`)
    byVenue.assertStatus(200)
    assert.deepEqual(byVenue.body().data.map((e: any) => e.action), ['tenant.resume', 'tenant.suspend', 'tenant.created'])
    assert.notProperty(byVenue.body().data[0], 'hash')

    const byActor = await admin.get(`/audit-logs?actor=${encodeURIComponent(other.user.email!)}&action=plan.created`)
    assert.deepEqual(byActor.body().data.map((e: any) => e.actorLabel), [other.user.email])

    const today = DateTime.now().setZone(ZONE).toISODate()
    const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 1 }).toISODate()
    assert.isAbove((await admin.get(`/audit-logs?from=${today}&to=${today}&tenantId=${venue.tenant.id}`)).body().data.length, 0)
    assert.lengthOf((await admin.get(`/audit-logs?from=${tomorrow}&tenantId=${venue.tenant.id}`)).body().data, 0)
    ;(await admin.get('/audit-logs?from=yesterday')).assertStatus(422)

    const support = await platformAgent(client, 'support')
    ;(await support.get('/audit-logs')).assertStatus(200)
    ;(await support.get('/stats')).assertStatus(200)
  })
})
