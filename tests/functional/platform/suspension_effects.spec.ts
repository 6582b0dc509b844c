import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { platformAgent } from '#tests/helpers/platform'
import { eventually, payableVenue, placeOrder, settle, startPayment } from '#tests/helpers/payments'

test.group('Suspending a venue', () => {
  test('visitors are told it is temporarily closed, staff can read but not write, and resuming restores both', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const venue = await createTenant({ venueName: '青山景区 <Green Hill>' })
    const { tenant } = venue
    const staff = await consoleAgent(client, tenant.slug, venue.email, venue.password)
    const visitor = new Agent(client, `/t/${tenant.slug}/api`)

    ;(await admin.post(`/tenants/${tenant.id}/suspend`, {})).assertStatus(422) // a reason is required
    const suspended = await admin.post(`/tenants/${tenant.id}/suspend`, { reason: '未缴年费 Annual fee unpaid' })
    suspended.assertStatus(200)
    assert.equal(suspended.body().tenant.status, 'suspended')
    const audit = await db.from('platform_audit_logs').where({ action: 'tenant.suspend', tenant_id: tenant.id }).firstOrFail()
    assert.equal(audit.after.suspensionReason, '未缴年费 Annual fee unpaid')
    assert.equal(audit.actor_label, admin.user.email)

    // Visitor API: 503 with the venue's name.
    const closed = await visitor.get('/products/1/sessions')
    closed.assertStatus(503)
    assert.deepInclude(closed.body().errors[0], { code: 'E_VENUE_SUSPENDED', venueName: '青山景区 <Green Hill>' })
    ;(await visitor.post('/account/register', { email: 'v@example.cn', password: 'Str0ng-enough-pass' })).assertStatus(503)

    // Visitor page: a 暂停营业 page, the name escaped.
    const page = await client.get(`/t/${tenant.slug}/`).header('accept', 'text/html')
    page.assertStatus(503)
    assert.include(page.text(), '暂停营业')
    assert.include(page.text(), '青山景区 &#60;Green Hill&#62;')
    assert.notInclude(page.text(), '<Green Hill>')

    // Console: reads work, writes are refused with a clear code; signing in still works.
    ;(await staff.get('/me')).assertStatus(200)
    ;(await staff.get('/sites')).assertStatus(200)
    const write = await staff.post('/sites', { name: '东门', timezone: 'Asia/Shanghai' })
    write.assertStatus(423)
    assert.equal(write.body().errors[0].code, 'E_VENUE_READ_ONLY')
    assert.equal(Number((await db.from(`${tenant.schemaName}.sites`).count('* as n'))[0].n), 0)
    await consoleAgent(client, tenant.slug, venue.email, venue.password)

    const shown = (await admin.get(`/tenants/${tenant.id}`)).body().tenant
    assert.include(shown, { status: 'suspended', suspensionReason: '未缴年费 Annual fee unpaid' })

    ;(await admin.post(`/tenants/${tenant.id}/resume`)).assertStatus(200)
    ;(await visitor.post('/account/register', { email: 'v@example.cn', password: 'Str0ng-enough-pass' })).assertStatus(201)
    ;(await staff.post('/sites', { name: '东门', timezone: 'Asia/Shanghai' })).assertStatus(201)
    ;(await client.get(`/t/${tenant.slug}/`).header('accept', 'text/html')).assertStatus(200)
    assert.isNull((await admin.get(`/tenants/${tenant.id}`)).body().tenant.suspensionReason)
  })

  test('the same on the venue host: 503 for visitors, 423 for console writes', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const venue = await createTenant()
    const host = { host: `${venue.tenant.slug}.localhost` }
    const staff = new Agent(client, '/console/api', host)
    ;(await staff.post('/login', { email: venue.email, password: venue.password })).assertStatus(200)
    await admin.post(`/tenants/${venue.tenant.id}/suspend`, { reason: 'Checks' })

    const closed = await new Agent(client, '/api', host).get('/products/1/sessions')
    closed.assertStatus(503)
    assert.equal(closed.body().errors[0].code, 'E_VENUE_SUSPENDED')
    const write = await staff.post('/sites', { name: '东门', timezone: 'Asia/Shanghai' })
    write.assertStatus(423)
    assert.equal(write.body().errors[0].code, 'E_VENUE_READ_ONLY')
  })

  test('a payment made before the suspension is still applied when its notification arrives', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const { tenant, products, session } = await payableVenue(['alipay'])
    const { order, accessToken } = await placeOrder(client, tenant, [{ productId: products[0].id, sessionId: session.id, quantity: 1 }])
    const payment = await startPayment(client, tenant, order.number, accessToken, 'alipay')

    ;(await admin.post(`/tenants/${tenant.id}/suspend`, { reason: 'Under review' })).assertStatus(200)
    await settle('alipay', payment.merchantId, payment.outTradeNo)
    const paid = await eventually(
      () => db.from(`${tenant.schemaName}.orders`).where('number', order.number).firstOrFail(),
      (row) => row.status === 'issued'
    )
    assert.equal(paid.paid_amount, order.totalAmount)
  })

  test('a pending venue is approved once, and only a suspended one can be resumed', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const { tenant } = await createTenant({ status: 'pending' })
    const resume = await admin.post(`/tenants/${tenant.id}/resume`)
    resume.assertStatus(409)
    assert.equal(resume.body().errors[0].code, 'E_INVALID_TRANSITION')
    ;(await admin.post(`/tenants/${tenant.id}/approve`)).assertStatus(200)
    ;(await admin.post(`/tenants/${tenant.id}/approve`)).assertStatus(409)
    // Open now: the API answers the request itself (here: a missing date), not the venue's state.
    assert.notInclude([403, 503], (await new Agent(client, `/t/${tenant.slug}/api`).get('/products/1/sessions')).status())
  })
})
