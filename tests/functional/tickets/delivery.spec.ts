import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { Outbox, useSender } from '#messaging/services/outbox'
import { remindTomorrowsVisitors } from '#tickets/services/ticket_delivery'
import { connectSandboxOfficialAccount } from '#wechat/services/sandbox_official_account'
import { visitorForWechat } from '#wechat/services/visitor_identities'
import { runInTenant } from '#tenancy/services/tenant_database'
import { consoleAgent } from '#tests/helpers/tenants'
import { eventually, payableVenue, placeOrder, sandboxUrl, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import type { ApiClient } from '@japa/api-client'

/** A venue with WeChat Pay and an official account, and an order bought by a visitor who follows it. */
async function followerOrder(client: ApiClient) {
  const sale = await payableVenue(['wechat_pay'])
  const account = (await connectSandboxOfficialAccount(sale.tenant))!
  // One of the sandbox's WeChat users, as OAuth would have found them.
  const [user] = (await (await fetch(`${sandboxUrl()}/sandbox/wechat/users?appId=${account.appId}`)).json()) as { openid: string; nickname: string }[]
  const visitor = await runInTenant(sale.tenant, (trx) => visitorForWechat(trx, { appId: account.appId, openid: user.openid, nickname: user.nickname }))
  await db.from(`${sale.tenant.schemaName}.visitors`).where('id', visitor.id).update({ email: 'xiaoming@example.com' })
  const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }])
  await db.from(`${sale.tenant.schemaName}.orders`).where('number', order.number).update({ visitor_id: visitor.id })
  return { sale, account, order, accessToken, openid: user.openid }
}

const outbox = (schema: string) => db.from(`${schema}.outbox_messages`).orderBy('id').select('channel', 'recipient', 'template', 'status', 'body')

test.group('Telling visitors', () => {
  test('tickets issued: an SMS with the ticket link and a WeChat template message, sent from the outbox', async ({ client, assert }) => {
    const { sale, account, order, accessToken, openid } = await followerOrder(client)
    const payment = await startPayment(client, sale.tenant, order.number, accessToken, 'wechat_pay')
    await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
    await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')

    const queued = await outbox(sale.tenant.schemaName)
    assert.deepEqual(queued.map((m) => [m.channel, m.template, m.status]), [
      ['sms', 'tickets_issued', 'pending'],
      ['email', 'tickets_issued', 'pending'],
      ['wechat_template', 'tickets_issued', 'pending'],
    ])
    assert.equal(queued[1].recipient, 'xiaoming@example.com')
    assert.equal(queued[0].recipient, '13700001111')
    assert.include(queued[0].body, order.number)
    assert.include(queued[0].body, `/orders/${order.number}?token=${accessToken}`)

    assert.deepEqual(await Outbox.deliverDue(sale.tenant), { sent: 3, failed: 0 })
    const sent = (await (await fetch(`${sandboxUrl()}/sandbox/wechat/templates?appId=${account.appId}`)).json()) as any[]
    assert.lengthOf(sent, 1)
    assert.equal(sent[0].touser, openid)
    assert.include(JSON.stringify(sent[0]), order.number)

    // Staff read what was sent at the console.
    const owner = await consoleAgent(client, sale.tenant.slug, `owner@${sale.tenant.slug}.test`, 'correct-horse-42')
    const messages = (await owner.get(`/messages?recipient=13700001111`)).body().messages
    assert.deepEqual(messages.map((m: any) => [m.template, m.status]), [['tickets_issued', 'sent']])
  })

  test('a refund is announced; a failing SMS provider is retried and never touches the order', async ({ client, assert }) => {
    const { sale, order, accessToken } = await followerOrder(client)
    const payment = await startPayment(client, sale.tenant, order.number, accessToken, 'wechat_pay')
    await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
    await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')

    useSender('sms', { send: async () => { throw new Error('SMS provider unavailable') } })
    try {
      assert.deepEqual(await Outbox.deliverDue(sale.tenant), { sent: 2, failed: 1 })
      const [sms] = await db.from(`${sale.tenant.schemaName}.outbox_messages`).where('channel', 'sms')
      assert.deepInclude(sms, { status: 'pending', attempts: 1, last_error: 'SMS provider unavailable' })
      assert.isAbove(sms.next_attempt_at.getTime(), Date.now())
    } finally {
      useSender('sms', null)
    }
    assert.equal((await viewOrder(client, sale.tenant, order.number, accessToken)).status, 'issued')

    const [first] = (await viewOrder(client, sale.tenant, order.number, accessToken)).tickets
    ;(await client.post(`/t/${sale.tenant.slug}/api/orders/${order.number}/refunds`).header('X-Order-Token', accessToken).json({ ticketIds: [first.id] })).assertStatus(201)
    await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'partially_refunded')
    const refunds = (await outbox(sale.tenant.schemaName)).filter((m) => m.template === 'order_refunded')
    assert.deepEqual(refunds.map((m) => m.channel), ['sms', 'email', 'wechat_template'])
    assert.include(refunds[0].body, '¥80.00')
  })

  test('the day before, every visitor with tickets is reminded once', async ({ client, assert }) => {
    const { sale, order, accessToken } = await followerOrder(client)
    const tomorrowNoon = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 }).set({ hour: 12, minute: 0, second: 0, millisecond: 0 })
    await db.from(`${sale.tenant.schemaName}.sessions`).update({ starts_at: tomorrowNoon.toJSDate(), ends_at: tomorrowNoon.plus({ hours: 1 }).toJSDate() })
    const payment = await startPayment(client, sale.tenant, order.number, accessToken, 'wechat_pay')
    await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
    await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')

    assert.equal(await remindTomorrowsVisitors(sale.tenant), 1)
    assert.equal(await remindTomorrowsVisitors(sale.tenant), 1)
    const reminders = (await outbox(sale.tenant.schemaName)).filter((m) => m.template === 'visit_reminder')
    assert.deepEqual(reminders.map((m) => m.channel), ['sms', 'email', 'wechat_template'])
    assert.include(reminders[0].body, tomorrowNoon.toFormat('yyyy-MM-dd 12:00'))
  })
})
