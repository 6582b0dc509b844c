/*
 * Visitors signing in with WeChat (网页授权) through the sandbox's authorize page: the state check,
 * accounts per venue, and linking WeChat to a visitor signed in by phone.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { appUrl, Browser, firstError, sandboxUsers, signedInVisitor, signInByPhone, signInWithWechat, wechatVenue } from '#tests/functional/wechat/wechat_helpers'
import { runInTenant } from '#tenancy/services/tenant_database'
import { openidOf } from '#wechat/services/visitor_identities'

const identities = (schema: string) => db.from(`${schema}.wechat_identities`).orderBy('id').select('visitor_id', 'openid', 'unionid', 'nickname')

test.group('WeChat sign-in', () => {
  test('a round trip signs the visitor in and returns to the local page asked for; the same person comes back to the same account', async ({ assert }) => {
    const venue = await wechatVenue()
    const browser = new Browser()
    const returnTo = `/t/${venue.tenant.slug}/#/tickets`
    const { authorizeUrl, response } = await signInWithWechat(browser, venue.tenant, { user: 'lisi', returnTo })
    const authorize = new URL(authorizeUrl)
    assert.equal(authorize.pathname, '/wechatapi/connect/oauth2/authorize')
    assert.equal(authorize.searchParams.get('appid'), venue.account.appId)
    assert.equal(authorize.searchParams.get('scope'), 'snsapi_base')
    assert.equal(authorize.searchParams.get('redirect_uri'), `${appUrl()}/t/${venue.tenant.slug}/wechat/callback`)
    assert.equal(authorize.hash, '#wechat_redirect')
    assert.equal(response.status, 302)
    assert.equal(response.headers.get('location'), returnTo)

    const visitor = await signedInVisitor(browser, venue.tenant)
    assert.isNotNull(visitor)
    const lisi = (await sandboxUsers(venue)).find((user) => user.id === 'lisi')!
    assert.deepEqual(await identities(venue.tenant.schemaName), [{ visitor_id: visitor!.id, openid: lisi.openid, unionid: lisi.unionid, nickname: null }])
    assert.equal(await runInTenant(venue.tenant, (trx) => openidOf(trx, visitor!.id)), lisi.openid)

    // Later, in another browser, with the profile scope: the same account, now with a name.
    const again = new Browser()
    await signInWithWechat(again, venue.tenant, { user: 'lisi', scope: 'snsapi_userinfo' })
    const returning = await signedInVisitor(again, venue.tenant)
    assert.equal(returning!.id, visitor!.id)
    assert.equal(returning!.displayName, '李四')
    assert.lengthOf(await identities(venue.tenant.schemaName), 1)
  })

  test('a missing, wrong, reused or other browser’s state is refused and signs nobody in', async ({ assert }) => {
    const venue = await wechatVenue()
    const browser = new Browser()
    const { callbackUrl, response } = await signInWithWechat(browser, venue.tenant)
    assert.equal(response.status, 302)
    const callback = new URL(callbackUrl)

    // Reused: the same callback again (the code would be refused too, but the state goes first).
    const fresh = new Browser()
    await fresh.open(`${appUrl()}/t/${venue.tenant.slug}/wechat/login`)
    const reused = await fresh.open(callbackUrl)
    assert.equal(reused.status, 403)
    assert.equal((await firstError(reused)).code, 'E_OAUTH_STATE')
    assert.equal((await browser.open(callbackUrl)).status, 403)

    // Started in one browser, finished in another (login CSRF): the state is bound to the first one's session.
    const attacker = new Browser()
    const started = await attacker.open(`${appUrl()}/t/${venue.tenant.slug}/wechat/login`)
    const state = new URL(started.headers.get('location')!).searchParams.get('state')!
    for (const victim of [fresh, new Browser()]) {
      const crossSite = await victim.open(`${callback.origin}${callback.pathname}?code=whatever&state=${state}`)
      assert.equal(crossSite.status, 403)
    }

    // Wrong and missing.
    const wrong = await fresh.open(`${callback.origin}${callback.pathname}?code=${callback.searchParams.get('code')}&state=${'0'.repeat(32)}`)
    assert.equal(wrong.status, 403)
    const missing = await fresh.open(`${callback.origin}${callback.pathname}?code=abc`)
    assert.equal(missing.status, 422)
    assert.equal((await firstError(missing)).field, 'state')

    assert.isNull(await signedInVisitor(fresh, venue.tenant))
    assert.lengthOf(await identities(venue.tenant.schemaName), 1)
  })

  test('the same person at two venues is two visitor accounts, each with that venue’s openid', async ({ assert }) => {
    const [first, second] = await Promise.all([wechatVenue(), wechatVenue()])
    const browser = new Browser()
    await signInWithWechat(browser, first.tenant, { user: 'zhangsan' })
    await signInWithWechat(browser, second.tenant, { user: 'zhangsan' })
    const [a, b] = [await identities(first.tenant.schemaName), await identities(second.tenant.schemaName)]
    assert.lengthOf(a, 1)
    assert.lengthOf(b, 1)
    assert.notEqual(a[0].openid, b[0].openid)
    assert.equal(a[0].unionid, b[0].unionid)
    assert.isNotNull(await signedInVisitor(browser, second.tenant))
  })

  test('a visitor signed in by phone who signs in with WeChat links it to their account', async ({ assert }) => {
    const venue = await wechatVenue()
    const browser = new Browser()
    const visitorId = await signInByPhone(browser, venue.tenant, '13912345678')
    await signInWithWechat(browser, venue.tenant, { user: 'wangwu' })
    assert.equal((await signedInVisitor(browser, venue.tenant))!.id, visitorId)
    assert.equal((await identities(venue.tenant.schemaName))[0].visitor_id, visitorId)
  })

  test('refuses a return address off the site, an unknown scope, and a visitor who denies the profile', async ({ assert }) => {
    const venue = await wechatVenue()
    const browser = new Browser()
    for (const query of ['returnTo=https://evil.example/', 'returnTo=//evil.example/', 'returnTo=/\\evil.example', 'scope=snsapi_login']) {
      const response = await browser.open(`${appUrl()}/t/${venue.tenant.slug}/wechat/login?${query}`)
      assert.equal(response.status, 422, query)
    }
    const start = await browser.open(`${appUrl()}/t/${venue.tenant.slug}/wechat/login?scope=snsapi_userinfo`)
    const deny = new URL(start.headers.get('location')!)
    deny.searchParams.set('user', 'deny')
    const back = await fetch(deny, { redirect: 'manual' })
    const refused = await browser.open(back.headers.get('location')!)
    assert.equal(refused.status, 400)
    assert.equal((await firstError(refused)).code, 'E_OAUTH_DENIED')
    assert.isNull(await signedInVisitor(browser, venue.tenant))
  })
})
