import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import StaffUser from '#identity/models/staff_user'
import Visitor from '#identity/models/visitor'
import TenantAdministration from '#tenancy/services/tenant_administration'
import { runInTenant, TenantScopeMissingError } from '#tenancy/services/tenant_database'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

test.group('Tenant isolation', () => {
  test('a tenant query without a tenant binding fails', async ({ assert }) => {
    await createTenant()
    await assert.rejects(() => StaffUser.query().first(), TenantScopeMissingError)
    await assert.rejects(() => StaffUser.find(1), TenantScopeMissingError)
    await assert.rejects(() => Visitor.create({ email: 'x@y.cn', status: 'active' }), TenantScopeMissingError)
    // Below the models too: the pool's search_path is public, where no tenant table exists.
    await assert.rejects(() => db.from('staff_users').first(), /relation "staff_users" does not exist/)
  })

  test('a model loaded in a finished unit of work cannot write without a new one', async ({ assert }) => {
    const { tenant } = await createTenant()
    const owner = await runInTenant(tenant, (trx) => StaffUser.query({ client: trx }).firstOrFail())
    owner.fullName = 'Changed outside any tenant transaction'
    await assert.rejects(() => owner.save(), TenantScopeMissingError)
  })

  test('each unit of work sees only its own tenant, also in parallel', async ({ assert }) => {
    const venues = await Promise.all([createTenant(), createTenant(), createTenant()])
    const seen = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const venue = venues[i % venues.length]
        return runInTenant(venue.tenant, async (trx) => ({
          expected: venue.email,
          emails: (await StaffUser.query({ client: trx })).map((u) => u.email),
        }))
      })
    )
    for (const { expected, emails } of seen) assert.deepEqual(emails, [expected])
  })

  test("venue A's session gets nothing from venue B, though both owners have id 1", async ({ client, assert }) => {
    const a = await createTenant()
    const b = await createTenant()
    assert.equal(a.owner.id, b.owner.id)
    const agentA = await consoleAgent(client, a.tenant.slug, a.email, a.password)
    ;(await agentA.get('/me')).assertStatus(200)

    const atB = agentA.at(`/t/${b.tenant.slug}/console/api`)
    for (const [method, path] of [['get', '/me'], ['post', '/logout-everywhere'], ['post', '/two-factor/setup']] as const) {
      const response = await atB[method](path)
      assert.include([401, 403, 404], response.status(), `${method} ${path}`)
      assert.notInclude(JSON.stringify(response.body()), b.email)
    }
    // Signing in at B with A's credentials fails: the accounts are different.
    ;(await atB.post('/login', { email: a.email, password: a.password })).assertStatus(400)
  })

  test('the venue is found by its subdomain, and unknown hosts and slugs are 404', async ({ client, assert }) => {
    const a = await createTenant()
    const b = await createTenant()
    const onHost = new Agent(client, '/console/api', { host: `${a.tenant.slug}.localhost` })
    ;(await onHost.post('/login', { email: a.email, password: a.password })).assertStatus(200)
    const me = await onHost.get('/me')
    me.assertStatus(200)
    assert.equal(me.body().account.email, a.email)

    ;(await new Agent(client, '/console/api', { host: 'nobody.localhost' }).get('/me')).assertStatus(404)
    ;(await new Agent(client, '/console/api').get('/me')).assertStatus(404)
    ;(await new Agent(client, '/t/no-such-venue/console/api').get('/me')).assertStatus(404)
    // A venue's host with another venue's prefix is refused rather than crossing over.
    ;(await new Agent(client, `/t/${b.tenant.slug}/console/api`, { host: `${a.tenant.slug}.localhost` }).get('/me')).assertStatus(404)
    // Platform routes do not exist on a venue's host.
    ;(await new Agent(client, '/platform/api', { host: `${a.tenant.slug}.localhost` }).get('/me')).assertStatus(404)
  })

  test('a suspended venue is closed to visitors and read-only for staff', async ({ client, assert }) => {
    const a = await createTenant()
    const staff = await consoleAgent(client, a.tenant.slug, a.email, a.password)
    await TenantAdministration.change(a.tenant.id, 'suspend', 'Unpaid invoice')

    const visitor = await new Agent(client, `/t/${a.tenant.slug}/api`).post('/account/register', {
      email: 'v@example.cn',
      password: 'Str0ng-enough-pass',
    })
    visitor.assertStatus(503)
    assert.equal(visitor.body().errors[0].code, 'E_VENUE_SUSPENDED')
    assert.match(visitor.body().errors[0].message, /temporarily closed/)

    ;(await staff.get('/me')).assertStatus(200)
    const change = await staff.post('/two-factor/setup')
    change.assertStatus(423)

    await TenantAdministration.change(a.tenant.id, 'resume')
    ;(await staff.post('/two-factor/setup')).assertStatus(200)
  })
})
