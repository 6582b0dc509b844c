/*
 * Visitors (游客) at the console: found by phone (whole or last digits, the account's or an
 * order's contact) or name, shown with masked phones, their orders and no-shows; orders:read only.
 */
import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { runInTenant } from '#tenancy/services/tenant_database'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

test.group('Console visitors', () => {
  test('staff search visitors by phone and name and open one with orders and no-shows', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const now = new Date()
    const ids = await runInTenant(venue.tenant, async (trx) => {
      const [li] = await trx.table('visitors').insert({ display_name: '李雷', phone: '13800138000', status: 'active', created_at: now, updated_at: now }).returning('id')
      const [han] = await trx.table('visitors').insert({ display_name: null, phone: null, email: 'meimei@example.com', status: 'active', created_at: now, updated_at: now }).returning('id')
      const order = (number: string, visitorId: number, contactName: string, contactPhone: string, paid: number) => ({
        number, status: 'issued', visitor_id: visitorId, contact_name: contactName, contact_phone: contactPhone, total_amount: paid, paid_amount: paid,
        hold_id: randomUUID(), expires_at: now, paid_at: now, created_at: now, updated_at: now,
      })
      await trx.table('orders').multiInsert([order('T0000000001', li.id, '李雷', '13800138000', 8000), order('T0000000002', han.id, '韩梅梅', '13911112222', 12000)])
      return { li: Number(li.id), han: Number(han.id) }
    })
    const { site } = (await owner.post('/sites', { name: 'Gate' })).body()
    const { session } = (await owner.post('/sessions', { siteId: site.id, kind: 'slot', startsAt: '2020-05-01T09:00:00+08:00', endsAt: '2020-05-01T12:00:00+08:00' })).body()

    const search = async (q: string) => {
      const response = await owner.get(`/visitors?q=${encodeURIComponent(q)}`)
      response.assertStatus(200)
      return response.body().data.map((visitor: { id: number }) => visitor.id)
    }
    assert.sameMembers(await search(''), [ids.li, ids.han])
    assert.deepEqual(await search('13800138000'), [ids.li])
    assert.deepEqual(await search('2222'), [ids.han]) // last digits of an order's contact phone
    assert.deepEqual(await search('梅梅'), [ids.han]) // an order's contact name
    assert.deepEqual(await search('李'), [ids.li])
    assert.deepEqual(await search('100%'), [])

    const listed = (await owner.get('/visitors?q=李雷')).body()
    assert.deepEqual(listed.meta, { total: 1, page: 1, perPage: 20 })
    assert.deepInclude(listed.data[0], { displayName: '李雷', phone: '138****8000', orderCount: 1, spent: 8000, noShowCount: 0 })

    const { session: later } = (await owner.post('/sessions', { siteId: site.id, kind: 'slot', startsAt: '2020-05-02T09:00:00+08:00', endsAt: '2020-05-02T12:00:00+08:00' })).body()
    // Li booked both sessions (the holds his orders consumed).
    await runInTenant(venue.tenant, (trx) =>
      trx.table('holds').multiInsert(
        [session.id, later.id].map((sessionId) => ({ visitor_id: ids.li, status: 'consumed', expires_at: now, items: JSON.stringify([{ product_id: 1, session_id: sessionId, quantity: 1 }]) }))
      )
    )
    const before = (await owner.get(`/visitors/${ids.li}`)).body()
    assert.deepEqual(before.startedSessions.map((s: { id: number }) => s.id), [later.id, session.id])
    ;(await owner.post(`/visitors/${ids.li}/no-shows`, { sessionId: session.id })).assertStatus(201)
    const detail = await owner.get(`/visitors/${ids.li}`)
    detail.assertStatus(200)
    assert.equal(detail.body().visitor.noShowCount, 1)
    assert.deepEqual(detail.body().orders.map((order: { number: string; paidAmount: number }) => [order.number, order.paidAmount]), [['T0000000001', 8000]])
    assert.deepInclude(detail.body().noShows[0], { sessionId: session.id })
    assert.deepEqual(detail.body().startedSessions.map((s: { id: number }) => s.id), [later.id])
    ;(await owner.get('/visitors/999999')).assertStatus(404)
    ;(await owner.get('/visitors?perPage=500')).assertStatus(422)

    // A role without orders:read cannot look visitors up.
    ;(await owner.post('/roles', { key: 'gate_only', name: 'Gate only', permissions: ['checkin:read'] })).assertStatus(201)
    ;(await owner.post('/staff', { email: 'gate@example.com', fullName: 'Gate', password: 'gate-keeper-2024', roles: ['gate_only'] })).assertStatus(201)
    const gate = await consoleAgent(client, venue.tenant.slug, 'gate@example.com', 'gate-keeper-2024')
    ;(await gate.get('/visitors')).assertStatus(403)
  })
})
