import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { consoleAgent, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { eventually, payableVenue, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { visitorAgent } from '#tests/helpers/visitors'

type Sale = Awaited<ReturnType<typeof payableVenue>>

/** Another slot of the sale's product, `hoursLater`, with its own quota and (optionally) its own price and member price. */
async function anotherSession(client: ApiClient, sale: Sale, hoursLater: number, price?: { price: number; memberPrice?: number }) {
  const owner = await consoleAgent(client, sale.tenant.slug, `owner@${sale.tenant.slug}.test`, OWNER_PASSWORD)
  const startsAt = sale.session.startsAt.plus({ hours: hoursLater })
  const created = await owner.post('/sessions', { siteId: sale.site.id, kind: 'slot', startsAt: startsAt.toISO(), endsAt: startsAt.plus({ hours: 1 }).toISO() })
  created.assertStatus(201)
  const sessionId = created.body().session.id as number
  ;(await owner.post(`/sessions/${sessionId}/quotas`, { name: 'Later', capacity: 10, productIds: [sale.products[0].id] })).assertStatus(201)
  if (price) (await owner.post(`/products/${sale.products[0].id}/price-rules`, { sessionId, ...price })).assertStatus(201)
  return sessionId
}

/** A signed-in visitor (a member of `tierId` if given) who bought one ticket of the first session, paid through the sandbox. */
async function buyer(client: ApiClient, sale: Sale, tierId?: number) {
  const visitor = await visitorAgent(client, sale.tenant.slug, `change-${randomUUID()}@visitor.test`)
  if (tierId) {
    const owner = await consoleAgent(client, sale.tenant.slug, `owner@${sale.tenant.slug}.test`, OWNER_PASSWORD)
    ;(await owner.post('/members', { visitorId: visitor.id, tierId, note: 'test member' })).assertStatus(201)
  }
  const placed = await visitor.agent.withHeaders({ 'Idempotency-Key': randomUUID() }).post('/orders', {
    items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }],
    contact: { name: '张三', phone: '13912345678' },
  })
  placed.assertStatus(201)
  const { order, accessToken } = placed.body()
  const payment = await startPayment(client, sale.tenant, order.number, accessToken, 'wechat_pay')
  await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
  await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')
  const api = (path: string) => client.get(`/t/${sale.tenant.slug}/api/orders/${order.number}/${path}`).header('X-Order-Token', accessToken)
  return {
    paid: order.totalAmount as number,
    difference: async (toSessionId: number) => (await api(`change-quote?toSessionId=${toSessionId}`)).body().quote.difference as number,
    change: (toSessionId: number) => client.post(`/t/${sale.tenant.slug}/api/orders/${order.number}/changes`).header('X-Order-Token', accessToken).json({ toSessionId }),
    view: () => viewOrder(client, sale.tenant, order.number, accessToken),
  }
}

test.group('Members: 改签 at the member price', () => {
  test("a member's change is priced like their checkout: the tier's discount, or the new day's member price", async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'], { products: [{ price: 10000 }], quotas: [{ capacity: 10 }] })
    await db.from(`${sale.tenant.schemaName}.products`).update({ changeable: true })
    const owner = await consoleAgent(client, sale.tenant.slug, `owner@${sale.tenant.slug}.test`, OWNER_PASSWORD)
    const tier = (await owner.post('/member-tiers', { name: 'Friends', price: 0, discountPercent: 10 })).body().tier
    const samePrice = await anotherSession(client, sale, 24)
    const dearer = await anotherSession(client, sale, 48, { price: 12000, memberPrice: 10500 })

    const member = await buyer(client, sale, tier.id)
    const outsider = await buyer(client, sale)
    assert.equal(member.paid, 9000)
    assert.equal(outsider.paid, 10000)

    // Same calendar price: nothing to pay, member or not (not the 1000 fen a public price would ask of the member).
    assert.equal(await member.difference(samePrice), 0)
    assert.equal(await outsider.difference(samePrice), 0)
    // A dearer day with a member price: the member pays up to it, the outsider up to the price.
    assert.equal(await member.difference(dearer), 1500)
    assert.equal(await outsider.difference(dearer), 2000)

    // Done at once (nothing to pay); the new ticket keeps the member's price.
    const changed = await member.change(samePrice)
    changed.assertStatus(201)
    assert.deepInclude(changed.body().change, { status: 'completed', difference: 0 })
    const order = await member.view()
    assert.deepEqual(order.tickets.map((ticket: any) => [ticket.status, ticket.price]), [['changed', 9000], ['valid', 9000]])

    // Once the membership has ended, the public price applies again.
    const [row] = await db.from(`${sale.tenant.schemaName}.members`)
    ;(await owner.post(`/members/${row.id}/cancel`, { reason: 'moved away' })).assertStatus(200)
    assert.equal(await member.difference(dearer), 3000)
  })
})
