/*
 * The venue's message server as WeChat (the sandbox) calls it: the URL check, messages and events
 * in the plain, compatible and safe modes, and forged requests.
 */
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { auditActions, push, sandboxUsers, verifyServer, wechatVenue, type WechatVenue } from '#tests/functional/wechat/wechat_helpers'
import type { MessageMode } from '#wechat/services/official_accounts'
import type { Forgery } from '#sandbox/gateways/wechat_api/server_push'

/** A venue with a keyword reply and a menu with a venue-info button. */
async function configuredVenue(client: ApiClient, mode: MessageMode) {
  const venue = await wechatVenue({ mode })
  const staff = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
  const replies = await staff.put('/wechat/replies', {
    welcomeText: '欢迎来到雾峰山！',
    keywords: [
      { keyword: '门票', match: 'contains', reply: '门票请点菜单“购票”。' },
      { keyword: '开放时间', match: 'exact', reply: '每天 8:00–17:30 开放。' },
    ],
  })
  replies.assertStatus(200)
  const menu = await staff.put('/wechat/menu', {
    buttons: [
      { name: '购票', action: 'buy_tickets' },
      { name: '关于', children: [{ name: '交通指南', action: 'venue_info', text: '乘 K1 路到雾峰山站。' }] },
    ],
  })
  menu.assertStatus(200)
  return venue
}

test.group('WeChat message server: URL check', () => {
  test('echoes echostr for a good signature; refuses, logs and audits a forged one', async ({ assert }) => {
    const venue = await wechatVenue()
    const good = await verifyServer(venue)
    assert.isTrue(good.verified)
    assert.equal(good.status, 200)

    const forged = await verifyServer(venue, 'signature')
    assert.isFalse(forged.verified)
    assert.equal(forged.status, 401)
    assert.notInclude(forged.body, good.body)
    const audited = await auditActions(venue.tenant, 'wechat.message_rejected')
    assert.lengthOf(audited, 1)
    assert.deepInclude(audited[0], { outcome: 'denied', actor_type: 'anonymous' })
    assert.equal(audited[0].meta.reason, 'signature')
  })
})

for (const mode of ['plain', 'compatible', 'safe'] as const) {
  test.group(`WeChat message server: ${mode} mode`, () => {
    test('subscribe gets the welcome with the venue links; keywords and menu clicks get their replies', async ({ client, assert }) => {
      const venue = await configuredVenue(client, mode)
      const [subscribe, keyword, exact, unknown, click] = await Promise.all([
        push(venue, mode, { type: 'event', event: 'subscribe' }),
        push(venue, mode, { type: 'text', content: '请问门票多少钱？' }),
        push(venue, mode, { type: 'text', content: '开放时间' }),
        push(venue, mode, { type: 'text', content: '你好' }),
        push(venue, mode, { type: 'event', event: 'CLICK', eventKey: 'VENUE_INFO_1' }),
      ])
      for (const answer of [subscribe, keyword, exact, unknown, click]) {
        assert.equal(answer.status, 200)
        if (!answer.reply) continue
        assert.equal(answer.encrypted, mode !== 'plain')
        if (answer.encrypted) assert.isTrue(answer.signatureValid)
      }

      assert.equal(subscribe.reply?.MsgType, 'text')
      assert.equal(subscribe.reply?.ToUserName, (await sandboxUsers(venue))[0].openid)
      assert.equal(subscribe.reply?.FromUserName, venue.account.originalId)
      assert.include(subscribe.reply?.Content, '欢迎来到雾峰山！')
      assert.include(subscribe.reply?.Content, `/t/${venue.tenant.slug}/wechat/login?scope=snsapi_base`)
      assert.equal(keyword.reply?.Content, '门票请点菜单“购票”。')
      assert.equal(exact.reply?.Content, '每天 8:00–17:30 开放。')
      assert.isNull(unknown.reply)
      assert.equal(unknown.body, 'success')
      assert.equal(click.reply?.Content, '乘 K1 路到雾峰山站。')
    })
  })
}

test.group('WeChat message server: forged and out-of-mode messages', () => {
  test('a forged signature, msg_signature, AppID or an old timestamp is refused, audited, and gets no reply', async ({ assert }) => {
    const plain = await wechatVenue({ mode: 'plain' })
    const safe = await wechatVenue({ mode: 'safe' })
    const cases: [WechatVenue, MessageMode, Forgery, string][] = [
      [plain, 'plain', 'signature', 'signature'],
      [plain, 'plain', 'timestamp', 'timestamp'],
      [safe, 'safe', 'msg_signature', 'msg_signature'],
      [safe, 'safe', 'signature', 'signature'],
      [safe, 'safe', 'appid', 'decrypt'],
    ]
    for (const [venue, mode, forge, reason] of cases) {
      const answer = await push(venue, mode, { type: 'event', event: 'subscribe' }, forge)
      assert.equal(answer.status, 401, `${mode} ${forge}`)
      assert.isNull(answer.reply)
      const audited = await auditActions(venue.tenant, 'wechat.message_rejected')
      assert.equal(audited.at(-1)!.meta.reason, reason)
    }
    assert.lengthOf(await auditActions(plain.tenant, 'wechat.message_rejected'), 2)
    assert.lengthOf(await auditActions(safe.tenant, 'wechat.message_rejected'), 3)
  })

  test('an account in safe mode refuses plaintext messages', async ({ assert }) => {
    const venue = await wechatVenue({ mode: 'safe' })
    const answer = await push(venue, 'plain', { type: 'text', content: '你好' })
    assert.equal(answer.status, 401)
    assert.equal((await auditActions(venue.tenant, 'wechat.message_rejected'))[0].meta.reason, 'mode')
  })

  test('a venue without an official account has no message server', async ({ client }) => {
    const { tenant } = await createTenant()
    const response = await client.get(`/t/${tenant.slug}/webhooks/wechat?signature=x&timestamp=1&nonce=2&echostr=3`)
    response.assertStatus(404)
    response.assertBodyContains({ errors: [{ code: 'E_WECHAT_NOT_CONFIGURED' }] })
  })
})
