import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import encryption from '@adonisjs/core/services/encryption'
import { Agent } from '#tests/helpers/agent'
import { createTenant } from '#tests/helpers/tenants'
import { platformAgent } from '#tests/helpers/platform'
import { seedSale } from '#tests/helpers/catalog'

test.group('Viewing a venue as a platform operator', () => {
  test('a superadmin reads the console read-only with a grant; writes are refused; both logs record it', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const { tenant } = await createTenant({ venueName: '只读查看剧院' })
    await seedSale(tenant)

    const granted = await admin.post(`/tenants/${tenant.id}/view-as`)
    granted.assertStatus(201)
    const { token, header, api, expiresAt } = granted.body()
    assert.equal(header, 'x-view-as')
    assert.equal(api, `/t/${tenant.slug}/console/api`)
    assert.isAbove(Date.parse(expiresAt), Date.now() + 14 * 60_000)

    const viewer = new Agent(client, api, { 'x-view-as': token })
    const sites = await viewer.get('/sites')
    sites.assertStatus(200)
    assert.lengthOf(sites.body().sites, 1)
    ;(await viewer.get('/staff')).assertStatus(200)
    ;(await viewer.get('/audit')).assertStatus(200)
    const me = await viewer.get('/view-as')
    me.assertStatus(200)
    assert.include(me.body().viewer, { label: admin.user.email, readOnly: true })
    assert.equal(me.body().tenant.id, tenant.id)

    // Writes are refused before any controller runs.
    const write = await viewer.post('/sites', { name: '新场馆', timezone: 'Asia/Shanghai' })
    write.assertStatus(403)
    assert.equal(write.body().errors[0].code, 'E_VIEW_AS_READ_ONLY')
    assert.equal(Number((await db.from(`${tenant.schemaName}.sites`).count('* as n'))[0].n), 1)

    const platformLog = await db.from('platform_audit_logs').where({ action: 'tenant.view_as', tenant_id: tenant.id }).firstOrFail()
    const tenantLog = await db.from(`${tenant.schemaName}.audit_logs`).where('action', 'platform.view_as').firstOrFail()
    assert.equal(platformLog.actor_label, admin.user.email)
    assert.equal(tenantLog.actor_label, admin.user.email)
    assert.equal(tenantLog.actor_type, 'platform')
    assert.equal(platformLog.meta.grantId, tenantLog.meta.grantId)
  })

  test('a grant opens only its own venue, and a forged or expired one opens nothing', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const a = await createTenant()
    const b = await createTenant()
    const { token } = (await admin.post(`/tenants/${a.tenant.id}/view-as`)).body()

    const elsewhere = await new Agent(client, `/t/${b.tenant.slug}/console/api`, { 'x-view-as': token }).get('/sites')
    elsewhere.assertStatus(401)
    assert.equal(elsewhere.body().errors[0].code, 'E_VIEW_AS_INVALID')
    ;(await new Agent(client, `/t/${a.tenant.slug}/console/api`, { 'x-view-as': token.slice(0, -4) + 'AAAA' }).get('/sites')).assertStatus(401)

    // Same key and purpose but past its lifetime.
    const expired = encryption.encrypt({ grantId: 'x', tenantId: a.tenant.id, platformUserId: admin.user.id, label: 'x', expiresAt: '' }, -1, 'view_as')
    ;(await new Agent(client, `/t/${a.tenant.slug}/console/api`, { 'x-view-as': expired }).get('/sites')).assertStatus(401)
    // Something encrypted for another purpose is not a grant.
    const other = encryption.encrypt({ tenantId: a.tenant.id }, '15 minutes', 'something_else')
    ;(await new Agent(client, `/t/${a.tenant.slug}/console/api`, { 'x-view-as': other }).get('/sites')).assertStatus(401)
    // Without a grant, the console is closed as before.
    ;(await new Agent(client, `/t/${a.tenant.slug}/console/api`).get('/sites')).assertStatus(401)
  })

  test('support staff cannot view as a venue', async ({ client, assert }) => {
    const support = await platformAgent(client, 'support')
    const { tenant } = await createTenant()
    const denied = await support.post(`/tenants/${tenant.id}/view-as`)
    denied.assertStatus(403)
    assert.equal(denied.body().errors[0].code, 'E_PERMISSION_DENIED')
    assert.isNull(await db.from(`${tenant.schemaName}.audit_logs`).where('action', 'platform.view_as').first())
  })
})
