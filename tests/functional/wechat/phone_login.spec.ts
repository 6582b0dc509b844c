/*
 * Visitors outside WeChat signing in with an SMS code (read here from the outbox, where SMS stays
 * in tests): new and returning visitors, wrong, expired and exhausted codes, throttling.
 */
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import { Agent } from '#tests/helpers/agent'
import { createTenant } from '#tests/helpers/tenants'
import { VISITOR_PASSWORD } from '#tests/helpers/visitors'
import { sentCode } from '#tests/functional/wechat/wechat_helpers'
import type Tenant from '#tenancy/models/tenant'

let phones = 0
/** A phone number no other test uses (the throttles count per number). */
const newPhone = () => `139${String(process.pid % 10_000).padStart(4, '0')}${String(++phones).padStart(4, '0')}`

async function askCode(client: ApiClient, tenant: Tenant, phone: string) {
  const agent = new Agent(client, `/t/${tenant.slug}/api/account`)
  const response = await agent.post('/phone-code', { phone })
  response.assertStatus(202)
  return { agent, code: await sentCode(tenant, phone) }
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

test.group('Phone code sign-in', (group) => {
  let tenant: Tenant
  group.setup(async () => {
    tenant = (await createTenant()).tenant
  })

  test('a new phone gets an account and is signed in; the code is stored hashed and works once', async ({ client, assert }) => {
    const phone = newPhone()
    const { agent, code } = await askCode(client, tenant, phone)
    assert.match(code, /^\d{6}$/)
    const [row] = await db.from(`${tenant.schemaName}.visitor_login_codes`).where('phone', phone)
    assert.notInclude(row.code_hash, code)
    const message = await db.from(`${tenant.schemaName}.outbox_messages`).where('recipient', phone).firstOrFail()
    assert.deepInclude(message, { channel: 'sms', template: 'login_code', status: 'pending' })
    assert.include(message.body, code)

    const login = await agent.post('/phone-login', { phone, code })
    login.assertStatus(200)
    assert.equal(login.body().account.phone, phone)
    assert.equal((await agent.get('/me')).body().account.id, login.body().account.id)

    const again = await new Agent(client, `/t/${tenant.slug}/api/account`).post('/phone-login', { phone, code })
    again.assertStatus(400)
    again.assertBodyContains({ errors: [{ field: 'code', code: 'E_CODE_INVALID' }] })
  })

  test('a visitor registered with the phone signs in to that account', async ({ client, assert }) => {
    const phone = newPhone()
    const registered = await new Agent(client, `/t/${tenant.slug}/api`).post('/account/register', { email: `${phone}@example.com`, phone, password: VISITOR_PASSWORD })
    registered.assertStatus(201)
    const { agent, code } = await askCode(client, tenant, phone)
    const login = await agent.post('/phone-login', { phone, code })
    login.assertStatus(200)
    assert.equal(login.body().account.id, registered.body().account.id)
  })

  test('a wrong code counts; an expired code is refused', async ({ client, assert }) => {
    const phone = newPhone()
    const { agent, code } = await askCode(client, tenant, phone)
    const wrong = await agent.post('/phone-login', { phone, code: wrongCode(code) })
    wrong.assertStatus(400)
    wrong.assertBodyContains({ errors: [{ field: 'code', code: 'E_CODE_INVALID' }] })
    assert.include(wrong.body().errors[0].message, '4 tries left')
    assert.equal((await db.from(`${tenant.schemaName}.visitor_login_codes`).where('phone', phone).firstOrFail()).attempts, 1)

    await db.from(`${tenant.schemaName}.visitor_login_codes`).where('phone', phone).update({ expires_at: new Date(Date.now() - 1000) })
    const expired = await agent.post('/phone-login', { phone, code })
    expired.assertStatus(400)
    expired.assertBodyContains({ errors: [{ field: 'code', code: 'E_CODE_EXPIRED' }] })
    assert.equal((await agent.get('/me')).status(), 401)
  })

  test('after five wrong codes even the right one is refused', async ({ client, assert }) => {
    const phone = newPhone()
    const { agent, code } = await askCode(client, tenant, phone)
    for (let attempt = 0; attempt < 5; attempt++) (await agent.post('/phone-login', { phone, code: wrongCode(code) })).assertStatus(400)
    const right = await agent.post('/phone-login', { phone, code })
    right.assertStatus(429)
    right.assertBodyContains({ errors: [{ field: 'code', code: 'E_TOO_MANY_ATTEMPTS' }] })
    assert.equal((await agent.get('/me')).status(), 401)
  })

  test('codes are throttled per phone; bad input is refused by field', async ({ client, assert }) => {
    const phone = newPhone()
    await askCode(client, tenant, phone)
    const agent = new Agent(client, `/t/${tenant.slug}/api/account`)
    const soon = await agent.post('/phone-code', { phone })
    soon.assertStatus(429)
    soon.assertBodyContains({ errors: [{ field: 'phone', code: 'E_TOO_MANY_CODES' }] })
    assert.lengthOf(await db.from(`${tenant.schemaName}.outbox_messages`).where('recipient', phone), 1)

    const badPhone = await agent.post('/phone-code', { phone: '12345' })
    badPhone.assertStatus(422)
    badPhone.assertBodyContains({ errors: [{ field: 'phone' }] })
    const badCode = await agent.post('/phone-login', { phone, code: '12ab' })
    badCode.assertStatus(422)
    badCode.assertBodyContains({ errors: [{ field: 'code', message: 'Enter the 6-digit code sent to your phone' }] })
  })
})
