import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import TenantProvisioner from '#tenancy/services/tenant_provisioner'
import TenantMigrator from '#tenancy/services/tenant_migrator'
import { Agent } from '#tests/helpers/agent'
import { uniqueSlug } from '#tests/helpers/tenants'

function signup(slug: string, overrides: Record<string, unknown> = {}) {
  return {
    venueName: '黄山风景区 Demo',
    venueType: 'scenic',
    slug,
    contactName: '王经理',
    contactPhone: '13912345678',
    email: `ops@${slug}.example.cn`,
    password: 'Str0ng-enough-pass',
    ...overrides,
  }
}

async function schemaExists(name: string) {
  const result = await db.rawQuery('select 1 from pg_namespace where nspname = ?', [name])
  return result.rows.length > 0
}

test.group('Venue sign-up', () => {
  test('creates an active venue with its own schema, owner and roles', async ({ client, assert }) => {
    const slug = uniqueSlug('park')
    const response = await new Agent(client).post('/signup', signup(slug))
    response.assertStatus(201)
    const { tenant, urls } = response.body()
    assert.equal(tenant.status, 'active')
    assert.match(urls.console, new RegExp(`/t/${slug}/console/$`))
    assert.isTrue(await schemaExists(`tenant_${tenant.id}`))

    const tables = await db.rawQuery('select tablename from pg_tables where schemaname = ? order by 1', [`tenant_${tenant.id}`])
    assert.includeMembers(
      tables.rows.map((r: any) => r.tablename),
      ['staff_users', 'visitors', 'roles', 'authz_rules', 'audit_logs', 'tenant_migrations']
    )
    // Tenant tables exist only in the tenant's schema.
    const leaked = await db.rawQuery("select 1 from pg_tables where schemaname = 'public' and tablename in ('staff_users', 'visitors', 'roles')")
    assert.lengthOf(leaked.rows, 0)

    // The owner can sign in to the new console at once.
    const owner = new Agent(client, `/t/${slug}/console/api`)
    const login = await owner.post('/login', { email: `OPS@${slug}.example.cn`, password: 'Str0ng-enough-pass' })
    login.assertStatus(200)
    assert.equal(login.body().status, 'authenticated')
    const me = await owner.get('/me')
    me.assertStatus(200)
    assert.equal(me.body().account.email, `ops@${slug}.example.cn`)
  })

  test('rejects bad input with field errors and changes nothing', async ({ client, assert }) => {
    const agent = new Agent(client)
    const taken = uniqueSlug('taken')
    ;(await agent.post('/signup', signup(taken))).assertStatus(201)
    const before = await db.from('tenants').count('* as n')

    const cases: [Record<string, unknown>, string][] = [
      [signup(taken), 'slug'],
      [signup('www'), 'slug'],
      [signup('admin'), 'slug'],
      [signup('api'), 'slug'],
      [signup('Bad Slug!'), 'slug'],
      [signup(uniqueSlug(), { email: 'not-an-email' }), 'email'],
      [signup(uniqueSlug(), { password: 'short1' }), 'password'],
      [signup(uniqueSlug(), { password: 'onlyletterslong' }), 'password'],
      [signup(uniqueSlug(), { contactPhone: '12345' }), 'contactPhone'],
      [signup(uniqueSlug(), { venueType: 'casino' }), 'venueType'],
    ]
    for (const [body, field] of cases) {
      const response = await agent.post('/signup', body)
      response.assertStatus(422)
      const errors = response.body().errors as { field: string; message: string }[]
      assert.isTrue(errors.some((e) => e.field === field && e.message.length > 0), `${field}: ${JSON.stringify(errors)}`)
    }
    assert.deepEqual(await db.from('tenants').count('* as n'), before)
  })

  test('with approval required, a new venue waits as pending and its visitor pages say so', async ({ client, assert }) => {
    process.env.SIGNUP_REQUIRES_APPROVAL = 'true'
    const env = (await import('#start/env')).default
    env.set('SIGNUP_REQUIRES_APPROVAL', true)
    try {
      const slug = uniqueSlug('museum')
      const response = await new Agent(client).post('/signup', signup(slug, { venueType: 'museum' }))
      response.assertStatus(201)
      assert.equal(response.body().tenant.status, 'pending')
      const visitor = await new Agent(client, `/t/${slug}/api`).post('/account/login', { email: 'a@b.cn', password: 'x' })
      visitor.assertStatus(403)
      assert.equal(visitor.body().errors[0].code, 'E_TENANT_PENDING')
    } finally {
      env.set('SIGNUP_REQUIRES_APPROVAL', false)
    }
  })

  test('a provisioning that fails halfway leaves no schema and no tenant row', async ({ assert }) => {
    const migrator = new TenantMigrator(app.makePath('tests/fixtures/broken_tenant_migrations'))
    const provisioner = new TenantProvisioner(migrator)
    const slug = uniqueSlug('broken')
    const nextId = Number((await db.rawQuery("select coalesce(max(id), 0) + 1 as id from tenants")).rows[0].id)

    await assert.rejects(() =>
      provisioner.provision(
        { venueName: 'Broken', venueType: 'theatre', slug, contactName: 'X', contactPhone: '13800000000', email: `x@${slug}.cn`, password: 'Str0ng-enough-pass' },
        { status: 'active' }
      )
    )
    assert.isNull(await db.from('tenants').where('slug', slug).first())
    const schemas = await db.rawQuery("select nspname from pg_namespace where nspname like 'tenant\\_%'")
    const live = new Set((await db.from('tenants').select('id')).map((r) => `tenant_${r.id}`))
    assert.deepEqual(schemas.rows.map((r: any) => r.nspname).filter((n: string) => !live.has(n)), [])
    assert.isFalse(await schemaExists(`tenant_${nextId}`))
  })

  test('a failure during sign-up over HTTP is a 500 that leaves nothing behind', async ({ client, assert }) => {
    app.container.swap(TenantMigrator, () => new TenantMigrator(app.makePath('tests/fixtures/broken_tenant_migrations')))
    try {
      const slug = uniqueSlug('halfway')
      const response = await new Agent(client).post('/signup', signup(slug))
      response.assertStatus(500)
      assert.isNull(await db.from('tenants').where('slug', slug).first())
    } finally {
      app.container.restore(TenantMigrator)
    }
  })
})
