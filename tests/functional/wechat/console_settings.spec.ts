/*
 * Staff configuring the official account in the console: credentials (secrets in, never out),
 * the connection test, who may change what, and the custom menu published to WeChat.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { apiCalls, auditActions, nextFault, wechatVenue } from '#tests/functional/wechat/wechat_helpers'
import { sandboxPost } from '#tests/helpers/payments'
import type { SandboxOfficialAccountCredentials } from '#wechat/services/sandbox_official_account'

const STAFF_PASSWORD = 'marketing-pass-42'

test.group('WeChat official account settings', () => {
  test('saves the credentials encrypted, never shows a secret, keeps secrets left out, and tests the connection', async ({ client, assert }) => {
    const { tenant, email, password } = await createTenant()
    const staff = await consoleAgent(client, tenant.slug, email, password)
    const before = await staff.get('/wechat/account')
    before.assertStatus(200)
    assert.isNull(before.body().account)
    assert.equal(before.body().urls.serverUrl, `http://${process.env.HOST}:${process.env.PORT}/t/${tenant.slug}/webhooks/wechat`)

    const registered = (await sandboxPost('/sandbox/wechat/accounts', { name: 'Test' })) as SandboxOfficialAccountCredentials
    const missing = await staff.put('/wechat/account', { appId: registered.appId, messageMode: 'plain' })
    missing.assertStatus(422)
    missing.assertBodyContains({ errors: [{ field: 'appSecret', code: 'E_SECRET_REQUIRED' }] })
    const noKey = await staff.put('/wechat/account', { appId: registered.appId, appSecret: registered.appSecret, token: registered.token, messageMode: 'safe' })
    noKey.assertStatus(422)
    noKey.assertBodyContains({ errors: [{ field: 'encodingAesKey' }] })
    const bad = await staff.put('/wechat/account', { appId: 'not-an-appid', appSecret: 'x', messageMode: 'loud' })
    bad.assertStatus(422)
    assert.sameMembers(bad.body().errors.map((error: any) => error.field), ['appId', 'appSecret', 'messageMode'])

    const saved = await staff.put('/wechat/account', { ...registered, messageMode: 'safe' })
    saved.assertStatus(200)
    assert.deepInclude(saved.body().account, { appId: registered.appId, messageMode: 'safe', secretsSet: ['appSecret', 'token', 'encodingAesKey'] })
    const stored = await db.from(`${tenant.schemaName}.wechat_accounts`).firstOrFail()
    for (const secret of [registered.appSecret, registered.token, registered.encodingAesKey]) {
      assert.notInclude(JSON.stringify(saved.body()), secret)
      assert.notInclude(JSON.stringify((await staff.get('/wechat/account')).body()), secret)
      assert.notInclude(stored.secrets, secret)
      assert.notInclude(JSON.stringify(await db.from(`${tenant.schemaName}.audit_logs`).select('before', 'after', 'meta')), secret)
    }

    // Mode changed, secrets left out: they are kept.
    ;(await staff.put('/wechat/account', { appId: registered.appId, messageMode: 'compatible' })).assertStatus(200)
    const tested = await staff.post('/wechat/account/test')
    tested.assertStatus(200)
    assert.equal(tested.body().account.test.status, 'ok')

    // WeChat refuses the server's IP (the venue forgot the whitelist): the test says so.
    await sandboxPost('/sandbox/wechat/faults', { appId: registered.appId, api: 'stable_token', errcode: 40164 })
    const refused = await staff.post('/wechat/account/test')
    assert.equal(refused.body().account.test.status, 'failed')
    assert.include(refused.body().account.test.error, '40164')
    assert.deepEqual((await auditActions(tenant, 'wechat_account.tested')).map((entry) => entry.outcome), ['success', 'failure'])

    // A wrong AppSecret: 40125.
    ;(await staff.put('/wechat/account', { appId: registered.appId, appSecret: 'f'.repeat(32), messageMode: 'plain' })).assertStatus(200)
    assert.include((await staff.post('/wechat/account/test')).body().account.test.error, '40125')
  })

  test('marketing staff run replies, templates and the menu but cannot see or change the credentials', async ({ client, assert }) => {
    const venue = await wechatVenue()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    ;(await owner.post('/staff', { fullName: 'Marketing', email: `marketing@${venue.tenant.slug}.test`, password: STAFF_PASSWORD, roles: ['marketing'] })).assertStatus(201)
    const marketing = await consoleAgent(client, venue.tenant.slug, `marketing@${venue.tenant.slug}.test`, STAFF_PASSWORD)
    ;(await marketing.get('/wechat/account')).assertStatus(403)
    ;(await marketing.put('/wechat/account', { appId: venue.account.appId, messageMode: 'plain' })).assertStatus(403)
    ;(await marketing.put('/wechat/replies', { welcomeText: '你好', keywords: [] })).assertStatus(200)
    assert.deepEqual((await marketing.get('/wechat/replies')).body().replies, { welcomeText: '你好', keywords: [] })
    const templates = await marketing.get('/wechat/templates')
    templates.assertStatus(200)
    assert.deepInclude(templates.body().templates.tickets_issued, { fields: { thing1: 'productName', time2: 'visitDate', character_string3: 'orderNumber', amount4: 'amount' } })
    ;(await marketing.get('/wechat/menu')).assertStatus(200)

    const duplicate = await marketing.put('/wechat/replies', {
      welcomeText: null,
      keywords: [
        { keyword: '票', match: 'contains', reply: 'a' },
        { keyword: '票', match: 'contains', reply: 'b' },
      ],
    })
    duplicate.assertStatus(422)
    duplicate.assertBodyContains({ errors: [{ field: 'keywords' }] })
    const badTemplate = await marketing.put('/wechat/templates', { tickets_issued: { templateId: 'x' } })
    badTemplate.assertStatus(422)
    badTemplate.assertBodyContains({ errors: [{ field: 'tickets_issued.templateId' }] })
  })
})

test.group('WeChat custom menu', () => {
  test('is published to WeChat as buttons, and GET shows what WeChat has', async ({ client, assert }) => {
    const venue = await wechatVenue()
    const staff = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const none = await staff.get('/wechat/menu')
    none.assertStatus(200)
    assert.isNull(none.body().wechat)

    const definition = {
      buttons: [
        { name: '购票', action: 'buy_tickets' },
        { name: '我的门票', action: 'my_tickets' },
        {
          name: '更多',
          children: [
            { name: '场馆介绍', action: 'venue_info', text: '雾峰山，海拔 1200 米。' },
            { name: '官方网站 Website', action: 'link', url: 'https://example.com/misty' },
          ],
        },
      ],
    }
    const published = await staff.put('/wechat/menu', definition)
    published.assertStatus(200)
    const shown = await staff.get('/wechat/menu')
    assert.deepEqual(shown.body().menu, definition)
    assert.isNotNull(shown.body().publishedAt)
    const base = `http://${process.env.HOST}:${process.env.PORT}/t/${venue.tenant.slug}/`
    assert.deepEqual(shown.body().wechat, [
      { type: 'view', name: '购票', url: `${base}wechat/login?scope=snsapi_base&returnTo=${encodeURIComponent(`/t/${venue.tenant.slug}/`)}` },
      { type: 'view', name: '我的门票', url: `${base}wechat/login?scope=snsapi_base&returnTo=${encodeURIComponent(`/t/${venue.tenant.slug}/#/tickets`)}` },
      {
        name: '更多',
        sub_button: [
          { type: 'click', name: '场馆介绍', key: 'VENUE_INFO_1' },
          { type: 'view', name: '官方网站 Website', url: 'https://example.com/misty' },
        ],
      },
    ])
    assert.deepInclude(await apiCalls(venue), { 'menu/create': 1 })
    assert.lengthOf(await auditActions(venue.tenant, 'wechat_menu.published'), 1)
  })

  test('refuses a menu WeChat would refuse, naming the field, and publishes nothing', async ({ client, assert }) => {
    const venue = await wechatVenue()
    const staff = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const cases: [unknown, string][] = [
      [{ buttons: [] }, 'buttons'],
      [{ buttons: Array.from({ length: 4 }, () => ({ name: '购票', action: 'buy_tickets' })) }, 'buttons'],
      [{ buttons: [{ name: '六个汉字名字', action: 'buy_tickets' }] }, 'buttons.0.name'],
      [{ buttons: [{ name: '链接', action: 'link' }] }, 'buttons.0.url'],
      [{ buttons: [{ name: '链接', action: 'link', url: 'ftp://example.com' }] }, 'buttons.0.url'],
      [{ buttons: [{ name: '介绍', action: 'venue_info' }] }, 'buttons.0.text'],
      [{ buttons: [{ name: '更多', children: Array.from({ length: 6 }, () => ({ name: '购票', action: 'buy_tickets' })) }] }, 'buttons.0.children'],
      [{ buttons: [{ name: '更多', children: [{ name: '购票' }] }] }, 'buttons.0.children.0.action'],
      [{ buttons: [{ name: '更多', action: 'buy_tickets', children: [{ name: '购票', action: 'buy_tickets' }] }] }, 'buttons.0.action'],
      [{ buttons: [{ name: '空' }] }, 'buttons.0.action'],
    ]
    for (const [menu, field] of cases) {
      const response = await staff.put('/wechat/menu', menu as Record<string, unknown>)
      assert.equal(response.status(), 422, JSON.stringify(menu))
      assert.include(response.body().errors.map((error: any) => error.field), field, JSON.stringify(response.body()))
    }
    assert.notProperty(await apiCalls(venue), 'menu/create')
  })

  test('WeChat refusing to publish is reported and the menu kept as it was', async ({ client, assert }) => {
    const venue = await wechatVenue()
    const staff = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    await nextFault(venue, 'menu/create', 45009)
    const refused = await staff.put('/wechat/menu', { buttons: [{ name: '购票', action: 'buy_tickets' }] })
    refused.assertStatus(502)
    refused.assertBodyContains({ errors: [{ code: 'E_WECHAT_API', errcode: 45009 }] })
    assert.isNull((await staff.get('/wechat/menu')).body().menu)
  })

  test('needs a connected account', async ({ client }) => {
    const { tenant, email, password } = await createTenant()
    const staff = await consoleAgent(client, tenant.slug, email, password)
    const response = await staff.put('/wechat/menu', { buttons: [{ name: '购票', action: 'buy_tickets' }] })
    response.assertStatus(404)
    response.assertBodyContains({ errors: [{ code: 'E_WECHAT_NOT_CONFIGURED' }] })
  })
})
