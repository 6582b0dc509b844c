import { test } from '@japa/runner'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import { generate } from 'otplib'
import PlatformUser from '#identity/models/platform_user'
import authorization from '#identity/authz/authorization_service'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

async function platformUser(email: string, role: string) {
  const user = await PlatformUser.create({ email, fullName: role, password: await hash.make('Platform-pass-123'), status: 'active' })
  await authorization.setPlatformRoles(db.connection(), user.id, [role])
  return user
}

test.group('Signing in', () => {
  test('five wrong passwords lock the account, and the lock is audited', async ({ client, assert }) => {
    const venue = await createTenant()
    const agent = new Agent(client, `/t/${venue.tenant.slug}/console/api`, { 'x-forwarded-for': '10.9.0.1' })
    for (let i = 0; i < 4; i++) {
      const wrong = await agent.post('/login', { email: venue.email, password: 'wrong-password-1' })
      wrong.assertStatus(400)
      assert.equal(wrong.body().errors[0].field, 'password')
    }
    ;(await agent.post('/login', { email: venue.email, password: 'wrong-password-1' })).assertStatus(423)
    // Even the right password is refused while locked.
    const locked = await agent.post('/login', { email: venue.email, password: venue.password })
    locked.assertStatus(423)
    assert.equal(locked.body().errors[0].code, 'E_ACCOUNT_LOCKED')

    const actions = await db.from(`${venue.tenant.schemaName}.audit_logs`).select('action').orderBy('id')
    assert.includeMembers(actions.map((r) => r.action), ['auth.login_failed', 'auth.account_locked'])
  })

  test('platform staff must enrol in two-factor login, and a code works once', async ({ client, assert }) => {
    await platformUser('super@platform.test', 'superadmin')
    const agent = new Agent(client, '/platform/api')
    const first = await agent.post('/login', { email: 'super@platform.test', password: 'Platform-pass-123' })
    first.assertStatus(200)
    assert.equal(first.body().status, 'two_factor_setup_required')
    ;(await agent.get('/me')).assertStatus(401)

    const code = await generate({ secret: first.body().secret })
    const enrolled = await agent.post('/two-factor', { code })
    enrolled.assertStatus(200)
    assert.isTrue(enrolled.body().account.twoFactorEnabled)
    ;(await agent.get('/tenants')).assertStatus(200)

    // Next sign-in asks for a code; the code already used is refused (no replay).
    const again = new Agent(client, '/platform/api')
    const second = await again.post('/login', { email: 'super@platform.test', password: 'Platform-pass-123' })
    assert.equal(second.body().status, 'two_factor_required')
    const replay = await again.post('/two-factor', { code })
    replay.assertStatus(400)
    assert.equal(replay.body().errors[0].field, 'code')
  })

  test('support staff can list venues but not suspend them (403, audited)', async ({ client, assert }) => {
    const venue = await createTenant()
    await platformUser('support@platform.test', 'support')
    const agent = new Agent(client, '/platform/api')
    const login = await agent.post('/login', { email: 'support@platform.test', password: 'Platform-pass-123' })
    await agent.post('/two-factor', { code: await generate({ secret: login.body().secret }) })
    ;(await agent.get('/tenants')).assertStatus(200)
    const denied = await agent.post(`/tenants/${venue.tenant.id}/suspend`, { reason: 'Testing' })
    denied.assertStatus(403)
    const audit = await db.from('platform_audit_logs').where('action', 'authz.denied').orderBy('id', 'desc').first()
    assert.equal(audit.actor_label, 'support@platform.test')
    assert.equal(audit.meta.permission, 'tenants:write')
  })

  test('log out everywhere ends the other sessions of the account', async ({ client }) => {
    const venue = await createTenant()
    const laptop = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const phone = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    ;(await phone.get('/me')).assertStatus(200)
    ;(await laptop.post('/logout-everywhere')).assertStatus(204)
    ;(await phone.get('/me')).assertStatus(401)
    ;(await laptop.get('/me')).assertStatus(401)
  })

  test('the same email at two venues is two visitor accounts', async ({ client, assert }) => {
    const a = await createTenant()
    const b = await createTenant()
    const body = { email: 'traveller@example.cn', password: 'Visitor-pass-123' }
    ;(await new Agent(client, `/t/${a.tenant.slug}/api`).post('/account/register', body)).assertStatus(201)
    const atB = new Agent(client, `/t/${b.tenant.slug}/api`)
    ;(await atB.post('/account/login', body)).assertStatus(400)
    ;(await atB.post('/account/register', { ...body, password: 'Other-pass-456' })).assertStatus(201)
    const me = await atB.get('/account/me')
    assert.equal(me.body().account.email, 'traveller@example.cn')
    const duplicate = await atB.post('/account/register', body)
    duplicate.assertStatus(422)
    assert.equal(duplicate.body().errors[0].field, 'email')
  })

  test('one address gets 10 failed sign-ins per 15 minutes, whichever accounts it tries', async ({ client, assert }) => {
    const venue = await createTenant()
    const agent = new Agent(client, `/t/${venue.tenant.slug}/console/api`, { 'x-forwarded-for': '10.9.0.2' })
    for (let i = 0; i < 10; i++) {
      ;(await agent.post('/login', { email: `nobody${i}@example.cn`, password: 'wrong-password-1' })).assertStatus(400)
    }
    const throttled = await agent.post('/login', { email: venue.email, password: venue.password })
    throttled.assertStatus(429)
    assert.isAbove(throttled.body().errors[0].retryAfterSeconds, 0)
    // Another address is not affected.
    const other = new Agent(client, `/t/${venue.tenant.slug}/console/api`, { 'x-forwarded-for': '10.9.0.3' })
    ;(await other.post('/login', { email: venue.email, password: venue.password })).assertStatus(200)
  })

  test('a venue owner can turn on two-factor login, which then guards every sign-in', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const { secret } = (await owner.post('/two-factor/setup')).body()
    ;(await owner.post('/two-factor', { code: await generate({ secret }) })).assertStatus(200)
    assert.isTrue((await owner.get('/me')).body().account.twoFactorEnabled)

    const fresh = new Agent(client, `/t/${venue.tenant.slug}/console/api`)
    const first = await fresh.post('/login', { email: venue.email, password: venue.password })
    assert.equal(first.body().status, 'two_factor_required')
    ;(await fresh.get('/me')).assertStatus(401)
    ;(await fresh.post('/two-factor', { code: '000000' })).assertStatus(400)
  })
})
