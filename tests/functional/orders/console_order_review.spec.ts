/*
 * Finding what waits for staff: orders with a refund or change request awaiting review, orders of
 * a WeChat visitor by openid, and the change requests in an order's detail (the console's review list).
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent, OWNER_PASSWORD, setBookingRules } from '#tests/helpers/tenants'
import { eventually, payableVenue, placeOrder, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { laterSession } from '#tests/helpers/catalog'
import type { ApiClient } from '@japa/api-client'

async function paidOrder(client: ApiClient, sale: Awaited<ReturnType<typeof payableVenue>>) {
  const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
  const payment = await startPayment(client, sale.tenant, order.number, accessToken, 'wechat_pay')
  await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
  await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')
  return { number: order.number as string, accessToken: accessToken as string }
}

test.group('Console order search: requests awaiting review', () => {
  test('lists only orders with a refund or change request waiting, and shows the change in the detail', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'], { quotas: [{ capacity: 10 }] })
    const { tenant } = sale
    const schema = tenant.schemaName
    await db.from(`${schema}.products`).update({ changeable: true })
    const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, OWNER_PASSWORD)
    await setBookingRules(owner, { refundApproval: 'staff', changeApproval: 'staff' })
    const next = await laterSession(tenant, sale)

    const refunding = await paidOrder(client, sale)
    const changing = await paidOrder(client, sale)
    const quiet = await paidOrder(client, sale)
    ;(await client.post(`/t/${tenant.slug}/api/orders/${refunding.number}/refunds`).header('X-Order-Token', refunding.accessToken).json({})).assertStatus(201)
    const asked = await client.post(`/t/${tenant.slug}/api/orders/${changing.number}/changes`).header('X-Order-Token', changing.accessToken).json({ toSessionId: Number(next.id) })
    asked.assertStatus(201)

    const waiting = (await owner.get('/orders?awaitingReview=true')).body()
    assert.sameMembers(waiting.data.map((o: any) => o.number), [refunding.number, changing.number])
    assert.equal((await owner.get('/orders')).body().meta.total, 3)
    assert.notInclude(waiting.data.map((o: any) => o.number), quiet.number)

    const detail = (await owner.get(`/orders/${changing.number}`)).body().order
    assert.deepInclude(detail.changes[0], { id: asked.body().change.id, status: 'requested', toSessionId: Number(next.id), difference: 0 })
    // Visitors do not see staff's view of changes.
    assert.notProperty(await viewOrder(client, tenant, changing.number, changing.accessToken), 'changes')

    // Decided, the order leaves the list.
    ;(await owner.post(`/changes/${asked.body().change.id}/approve`)).assertStatus(200)
    assert.deepEqual((await owner.get('/orders?awaitingReview=true')).body().data.map((o: any) => o.number), [refunding.number])
    ;(await owner.get('/orders?awaitingReview=maybe')).assertStatus(422)
  })

  test('finds the orders of a WeChat visitor by openid', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'])
    const { tenant } = sale
    const schema = tenant.schemaName
    const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, OWNER_PASSWORD)
    const mine = await paidOrder(client, sale)
    await paidOrder(client, sale)
    const [visitor] = await db.table(`${schema}.visitors`).insert({ display_name: 'WeChat fan', created_at: new Date(), updated_at: new Date() }).returning('id')
    await db.table(`${schema}.wechat_identities`).insert({ visitor_id: visitor.id, app_id: 'wx0123456789abcdef', openid: 'oFan_openid_1234567890' })
    await db.from(`${schema}.orders`).where('number', mine.number).update({ visitor_id: visitor.id })

    const found = (await owner.get('/orders?openid=oFan_openid_1234567890')).body()
    assert.deepEqual(found.data.map((o: any) => o.number), [mine.number])
    assert.equal((await owner.get('/orders?openid=oSomebody_else')).body().meta.total, 0)
  })
})
