/*
 * The venue's access_token and jsapi_ticket: one refresh for many callers, a refused token
 * replaced and the call retried once, and the JS-SDK signature.
 */
import { createHash } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { sandboxPost } from '#tests/helpers/payments'
import { apiCalls, nextFault, wechatVenue } from '#tests/functional/wechat/wechat_helpers'
import AccessTokens from '#wechat/services/access_tokens'
import { WechatApiError } from '#wechat/services/wechat_client'

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')

/** The menu as WeChat has it: any API call needing the token will do. */
async function getMenu(tokens: AccessTokens) {
  return tokens.call((token) => tokens.client.getMenu(token)).catch((error) => (error instanceof WechatApiError && error.errcode === 46003 ? 'none' : Promise.reject(error)))
}

test.group('WeChat access_token', () => {
  test('20 parallel callers cause exactly one stable_token call; the token is kept encrypted', async ({ assert }) => {
    const venue = await wechatVenue()
    const tokens = await Promise.all(Array.from({ length: 20 }, async () => (await AccessTokens.for(venue.tenant)).accessToken()))
    assert.lengthOf(new Set(tokens), 1)
    assert.equal((await apiCalls(venue)).stable_token, 1)
    const [row] = await db.from(`${venue.tenant.schemaName}.wechat_tokens`).where('kind', 'access_token')
    assert.notInclude(row.value, tokens[0])
    assert.isAbove(new Date(row.expires_at).getTime(), Date.now() + 7000_000)

    // Within its lifetime the cached token is used, by any process.
    await (await AccessTokens.for(venue.tenant)).accessToken()
    assert.equal((await apiCalls(venue)).stable_token, 1)
  })

  test('refreshed before it expires', async ({ assert }) => {
    const venue = await wechatVenue()
    const tokens = await AccessTokens.for(venue.tenant)
    const first = await tokens.accessToken()
    await db.from(`${venue.tenant.schemaName}.wechat_tokens`).update({ expires_at: new Date(Date.now() + 60_000) })
    assert.equal(await tokens.accessToken(), first, 'WeChat hands out the current token while it lives')
    assert.equal((await apiCalls(venue)).stable_token, 2)
  })

  for (const [ending, errcode] of [['revoked', 40001], ['expired', 42001]] as const) {
    test(`a token WeChat calls ${ending} (${errcode}) is replaced and the call retried once`, async ({ assert }) => {
      const venue = await wechatVenue()
      const tokens = await AccessTokens.for(venue.tenant)
      const first = await tokens.accessToken()
      await sandboxPost('/sandbox/wechat/tokens/end', { appId: venue.account.appId, as: ending })
      assert.equal(await getMenu(tokens), 'none')
      const calls = await apiCalls(venue)
      assert.deepInclude(calls, { 'stable_token': 2, 'menu/get': 2 })
      assert.notEqual(await tokens.accessToken(), first)
    })
  }

  test('when WeChat hands the refused token back, a forced refresh; a second refusal is not retried again', async ({ assert }) => {
    const venue = await wechatVenue()
    const tokens = await AccessTokens.for(venue.tenant)
    await tokens.accessToken()
    await nextFault(venue, 'menu/get', 40001, 2)
    const error = await getMenu(tokens).catch((failure) => failure)
    assert.instanceOf(error, WechatApiError)
    assert.equal(error.errcode, 40001)
    // Normal mode gave the same (still valid) token back, so a forced one was asked for.
    assert.deepInclude(await apiCalls(venue), { 'stable_token': 3, 'menu/get': 2 })
  })

  test('other errors are not retried', async ({ assert }) => {
    const venue = await wechatVenue()
    const tokens = await AccessTokens.for(venue.tenant)
    await nextFault(venue, 'menu/get', -1)
    const error = await getMenu(tokens).catch((failure) => failure)
    assert.equal(error.errcode, -1)
    assert.deepInclude(await apiCalls(venue), { 'stable_token': 1, 'menu/get': 1 })
  })
})

test.group('WeChat JS-SDK config', () => {
  test('signs the page URL (without fragment) with the jsapi_ticket, one ticket for 20 parallel pages', async ({ client, assert }) => {
    const venue = await wechatVenue()
    const page = `http://127.0.0.1/t/${venue.tenant.slug}/orders/T1?x=1&y=2`
    const responses = await Promise.all(Array.from({ length: 20 }, () => client.get(`/t/${venue.tenant.slug}/api/wechat/js-config`).qs({ url: `${page}#/pay` })))
    for (const response of responses) response.assertStatus(200)
    assert.deepInclude(await apiCalls(venue), { 'stable_token': 1, 'ticket/getticket': 1 })

    const config = responses[0].body()
    assert.equal(config.appId, venue.account.appId)
    assert.match(config.nonceStr, /^[0-9a-f]{16}$/)
    assert.closeTo(config.timestamp, Date.now() / 1000, 5)
    const ticket = await (await AccessTokens.for(venue.tenant)).jsapiTicket()
    assert.equal(config.signature, sha1(`jsapi_ticket=${ticket}&noncestr=${config.nonceStr}&timestamp=${config.timestamp}&url=${page}`))
  })

  test('needs a page URL', async ({ client }) => {
    const venue = await wechatVenue()
    const response = await client.get(`/t/${venue.tenant.slug}/api/wechat/js-config`).qs({ url: 'javascript:alert(1)' })
    response.assertStatus(422)
    response.assertBodyContains({ errors: [{ field: 'url' }] })
  })
})
