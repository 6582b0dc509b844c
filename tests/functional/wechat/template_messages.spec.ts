/*
 * Template messages: written to the outbox in the caller's transaction, sent through the sandbox's
 * WeChat with a client_msg_id per outbox message, retried after a failure, never sent twice, and
 * WeChat's verdict recorded.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { Outbox } from '#messaging/services/outbox'
import { runInTenant } from '#tenancy/services/tenant_database'
import { enqueueTemplateMessage, type TemplateMessageInput } from '#wechat/services/template_messages'
import { openidOf } from '#wechat/services/visitor_identities'
import { Browser, nextFault, push, sandboxGet, signedInVisitor, signInWithWechat, wechatVenue, type WechatVenue } from '#tests/functional/wechat/wechat_helpers'

const TICKETS = { orderNumber: 'T260501ABCDEFGHJK', productName: '成人票', visitDate: '2026-05-01 09:00', amount: '80.00' }

/** A venue and a visitor who signed in with WeChat there (so has an openid). */
async function venueWithFollower() {
  const venue = await wechatVenue()
  const browser = new Browser()
  await signInWithWechat(browser, venue.tenant, { user: 'zhangsan' })
  const visitor = (await signedInVisitor(browser, venue.tenant))!
  const openid = (await runInTenant(venue.tenant, (trx) => openidOf(trx, visitor.id)))!
  return { venue, openid }
}

function enqueue(venue: WechatVenue, input: TemplateMessageInput) {
  return runInTenant(venue.tenant, (trx) => enqueueTemplateMessage(trx, venue.tenant, input))
}

const outbox = (venue: WechatVenue) => db.from(`${venue.tenant.schemaName}.outbox_messages`).where('channel', 'wechat_template').orderBy('id')
const sent = (venue: WechatVenue) => sandboxGet<{ touser: string; msgid: string; data: unknown }[]>(`/sandbox/wechat/templates?appId=${venue.account.appId}`)

test.group('WeChat template messages', () => {
  test('a failed send is retried, sent once, and a re-delivery is not sent twice; the result is recorded', async ({ assert }) => {
    const { venue, openid } = await venueWithFollower()
    assert.isTrue(await enqueue(venue, { event: 'tickets_issued', openid, data: TICKETS, dedupeKey: 'tickets:T260501ABCDEFGHJK', url: 'https://example.com/order' }))
    assert.isTrue(await enqueue(venue, { event: 'tickets_issued', openid, data: TICKETS, dedupeKey: 'tickets:T260501ABCDEFGHJK' }))
    const [message] = await outbox(venue)
    assert.lengthOf(await outbox(venue), 1)
    assert.deepInclude(message, { recipient: openid, template: 'tickets_issued', dedupe_key: 'wechat:tickets:T260501ABCDEFGHJK' })

    // WeChat answers "system error" (-1) the first time.
    await nextFault(venue, 'message/template/send', -1)
    assert.deepEqual(await Outbox.deliverDue(venue.tenant), { sent: 0, failed: 1 })
    const failed = (await outbox(venue))[0]
    assert.deepInclude(failed, { status: 'pending', attempts: 1 })
    assert.include(failed.last_error, '-1 system error')
    assert.lengthOf(await sent(venue), 0)

    await outbox(venue).update({ next_attempt_at: new Date() })
    assert.deepEqual(await Outbox.deliverDue(venue.tenant), { sent: 1, failed: 0 })
    const [delivered] = await sent(venue)
    const template = venue.account.templates.find((candidate) => candidate.title === '购票成功通知')!
    assert.deepInclude(delivered, { touser: openid, templateId: template.templateId, clientMsgId: `t${venue.tenant.id}-m${message.id}`, url: 'https://example.com/order' })
    assert.deepEqual(delivered.data, { thing1: { value: '成人票' }, time2: { value: '2026-05-01 09:00' }, character_string3: { value: 'T260501ABCDEFGHJK' }, amount4: { value: '80.00' } })
    assert.deepInclude((await outbox(venue))[0], { status: 'sent', attempts: 2, receipt: delivered.msgid })

    // Staff resend it (or a delivery ran again after a lost answer): WeChat sees the same client_msg_id.
    await Outbox.resend(venue.tenant, message.id)
    assert.deepEqual(await Outbox.deliverDue(venue.tenant), { sent: 1, failed: 0 })
    assert.lengthOf(await sent(venue), 1)
    assert.equal((await outbox(venue))[0].receipt, delivered.msgid)

    // WeChat's verdict arrives as an event at the message server.
    await push(venue, 'plain', { type: 'event', event: 'TEMPLATESENDJOBFINISH', fields: { MsgID: delivered.msgid, Status: 'success' } })
    const sends = await db.from(`${venue.tenant.schemaName}.wechat_template_sends`).select('msgid', 'status', 'event')
    assert.deepEqual(sends, [{ msgid: delivered.msgid, status: 'delivered', event: 'tickets_issued' }])
  })

  test('nothing is written without a template for the event or an openid, and nothing is committed with a rolled-back change', async ({ assert }) => {
    const { venue, openid } = await venueWithFollower()
    await runInTenant(venue.tenant, (trx) => trx.from('wechat_accounts').update({ templates: JSON.stringify({}) }))
    assert.isFalse(await enqueue(venue, { event: 'order_refunded', openid, data: { orderNumber: 'T1' } }))
    const withTemplates = await wechatVenue()
    assert.isFalse(await enqueue(withTemplates, { event: 'tickets_issued', openid: null, data: TICKETS }))

    const rolledBack = runInTenant(withTemplates.tenant, async (trx) => {
      await enqueueTemplateMessage(trx, withTemplates.tenant, { event: 'tickets_issued', openid: 'o-someone', data: TICKETS })
      throw new Error('the order change failed')
    })
    await assert.rejects(() => rolledBack, 'the order change failed')
    assert.lengthOf(await outbox(venue), 0)
    assert.lengthOf(await outbox(withTemplates), 0)
  })

  test('a message WeChat keeps refusing is retried, then left failed for staff', async ({ assert }) => {
    const { venue } = await venueWithFollower()
    await enqueue(venue, { event: 'visit_reminder', openid: 'o-not-a-follower-of-this-account', data: TICKETS })
    for (let attempt = 0; attempt < 7; attempt++) {
      await Outbox.deliverDue(venue.tenant)
      await outbox(venue).update({ next_attempt_at: new Date() })
    }
    const [message] = await outbox(venue)
    assert.deepInclude(message, { status: 'failed', attempts: 7 })
    assert.include(message.last_error, '40003 invalid openid')
    assert.lengthOf(await sent(venue), 0)
  })
})
