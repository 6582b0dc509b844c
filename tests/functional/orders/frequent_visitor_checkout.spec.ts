/*
 * Checkout with a saved holder (常用游客) by id: the H5 only ever sees the ID number masked, so
 * the server fills in the stored name and ID number. Only the signed-in visitor's own holders are
 * accepted, and the real-name rules see the stored ID as if it had been typed.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { idNumberHash } from '#inventory/services/real_name'
import { openHolderId } from '#orders/services/holder_identity'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'
import { visitorAgent } from '#tests/helpers/visitors'
import type { Agent } from '#tests/helpers/agent'

const ZHANG = '11010519491231002X'
const LI = '110105199001010002'

let keys = 0
const order = (agent: Agent, body: Record<string, unknown>) => agent.withHeaders({ 'Idempotency-Key': `fv-${process.pid}-${++keys}` }).post('/orders', body)

test.group('Checkout with saved holders (常用游客)', () => {
  test('my saved holder is used with its stored ID; another visitor’s, or none signed in, is refused and holds nothing', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 5000, idLimitScope: 'session' }], quotas: [{ capacity: 10 }] })
    const me = await visitorAgent(client, tenant.slug, 'me@example.cn')
    const other = await visitorAgent(client, tenant.slug, 'other@example.cn')
    const mine = (await me.agent.post('/account/holders', { name: '张三', idNumber: ZHANG })).body().holder
    const theirs = (await other.agent.post('/account/holders', { name: '李四', idNumber: LI })).body().holder
    const items = [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }]
    const contact = { phone: '13700001111' }

    const refusals: [Agent, Record<string, unknown>, string][] = [
      [me.agent, { item: 0, frequentVisitorId: theirs.id }, 'holders.0.frequentVisitorId'],
      [me.agent, { item: 0, frequentVisitorId: mine.id + theirs.id + 100 }, 'holders.0.frequentVisitorId'],
      [me.agent, { item: 0, frequentVisitorId: mine.id, name: '王五' }, 'holders.0.frequentVisitorId'],
      [me.agent, { item: 0, frequentVisitorId: mine.id, idNumber: LI }, 'holders.0.frequentVisitorId'],
      [me.agent, { item: 0 }, 'holders.0.name'],
    ]
    for (const [agent, holder, field] of refusals) {
      const refused = await order(agent, { items, holders: [holder], contact })
      refused.assertStatus(422)
      assert.equal(refused.body().errors[0].field, field, JSON.stringify(holder))
    }
    // Without a session: nobody's holders.
    const anonymous = await client
      .post(`/t/${tenant.slug}/api/orders`)
      .header('Idempotency-Key', `fv-${process.pid}-anon`)
      .json({ items, holders: [{ item: 0, frequentVisitorId: mine.id }], contact })
    anonymous.assertStatus(422)
    assert.deepInclude(anonymous.body().errors[0], { field: 'holders.0.frequentVisitorId', code: 'E_HOLDER_NOT_FOUND' })
    assert.lengthOf(await db.from(`${tenant.schemaName}.holds`), 0)

    const placed = await order(me.agent, { items, holders: [{ item: 0, frequentVisitorId: mine.id }], contact })
    placed.assertStatus(201)
    assert.deepEqual(placed.body().order.tickets[0].holder, { name: '张*', idMasked: '110105********002X', phone: null })
    assert.notInclude(JSON.stringify(placed.body()), ZHANG)
    const [ticket] = await db.from(`${tenant.schemaName}.order_tickets`).select('holder_name', 'holder_id_number', 'holder_id_hash')
    assert.equal(ticket.holder_name, '张三')
    assert.equal(ticket.holder_id_hash, idNumberHash(tenant.id, ZHANG))
    assert.equal(openHolderId(ticket.holder_id_number), ZHANG)

    // One ID, one ticket per session: the saved holder again, or the same ID typed by someone else.
    const again = await order(me.agent, { items, holders: [{ item: 0, frequentVisitorId: mine.id }], contact })
    again.assertStatus(409)
    assert.equal(again.body().errors[0].code, 'E_ID_ALREADY_BOOKED')
    const typed = await order(other.agent, { items, holders: [{ item: 0, name: '张三', idNumber: ZHANG }], contact })
    typed.assertStatus(409)
    assert.equal(typed.body().errors[0].code, 'E_ID_ALREADY_BOOKED')
    // The other visitor's own holder still books.
    ;(await order(other.agent, { items, holders: [{ item: 0, frequentVisitorId: theirs.id }], contact })).assertStatus(201)
  })

  test('the same request with the same key answers the first order again', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 5000 }], quotas: [{ capacity: 10 }] })
    await db.from(`${tenant.schemaName}.products`).update({ real_name_required: true })
    const me = await visitorAgent(client, tenant.slug, 'me@example.cn')
    const mine = (await me.agent.post('/account/holders', { name: '张三', idNumber: ZHANG })).body().holder
    const body = { items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }], holders: [{ item: 0, frequentVisitorId: mine.id }], contact: { phone: '13700001111' } }
    const agent = me.agent.withHeaders({ 'Idempotency-Key': `fv-replay-${process.pid}` })
    const first = await agent.post('/orders', body)
    first.assertStatus(201)
    const replay = await agent.post('/orders', body)
    replay.assertStatus(200)
    assert.equal(replay.body().order.number, first.body().order.number)
    assert.lengthOf(await db.from(`${tenant.schemaName}.orders`), 1)
  })
})
