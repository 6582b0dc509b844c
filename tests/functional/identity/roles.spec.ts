import { test } from '@japa/runner'
import { VENUE_PERMISSIONS } from '#identity/authz/permissions'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

const PASSWORD = 'desk-shift-2024'
const ROSTER = { key: 'roster-viewer', name: 'Roster viewer', description: 'Sees who works here', permissions: ['staff:read'] }

test.group('Console roles', () => {
  test('lists the permissions with labels and the roles with permissions and member counts', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)

    const permissions = await owner.get('/permissions')
    permissions.assertStatus(200)
    assert.deepInclude(permissions.body().permissions, { key: 'refunds:write', label: VENUE_PERMISSIONS['refunds:write'] })
    assert.lengthOf(permissions.body().permissions, Object.keys(VENUE_PERMISSIONS).length)

    const roles = (await owner.get('/roles')).body().roles
    const byKey = Object.fromEntries(roles.map((role: { key: string }) => [role.key, role]))
    assert.sameMembers(Object.keys(byKey), ['owner', 'admin', 'box_office', 'checkin', 'finance', 'marketing'])
    assert.equal(byKey.owner.memberCount, 1)
    assert.equal(byKey.box_office.memberCount, 0)
    assert.isTrue(byKey.box_office.builtin)
    assert.includeMembers(byKey.box_office.permissions, ['orders:read', 'orders:write'])
    assert.notInclude(byKey.admin.permissions, 'roles:write')
  })

  test('a custom role with staff:read lets its member list staff, and nothing more', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const created = await owner.post('/roles', ROSTER)
    created.assertStatus(201)
    assert.deepInclude(created.body().role, { key: ROSTER.key, builtin: false, permissions: ['staff:read'], memberCount: 0 })

    const email = `roster@${venue.tenant.slug}.test`
    ;(await owner.post('/staff', { fullName: 'Roster', email, password: PASSWORD, roles: [ROSTER.key] })).assertStatus(201)
    const member = await consoleAgent(client, venue.tenant.slug, email, PASSWORD)
    const listed = await member.get('/staff')
    listed.assertStatus(200)
    assert.lengthOf(listed.body().staff, 2)
    ;(await member.post('/staff', { fullName: 'X', email: `x@${venue.tenant.slug}.test`, password: PASSWORD, roles: [ROSTER.key] })).assertStatus(403)
    ;(await member.get('/roles')).assertStatus(403)

    const [row] = (await owner.get('/audit?action=role.created')).body().data
    assert.equal(row.subjectId, ROSTER.key)
    assert.deepEqual(row.after.permissions, ['staff:read'])
  })

  test('refuses unknown permissions, taken keys and malformed keys', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const cases = [
      [{ permissions: ['staff:read', 'rockets:launch'] }, 'permissions'],
      [{ key: 'box_office' }, 'key'],
      [{ key: 'Has Spaces' }, 'key'],
      [{ key: 'staff:1' }, 'key'],
      [{ name: '' }, 'name'],
    ] as const
    for (const [override, field] of cases) {
      const response = await owner.post('/roles', { ...ROSTER, ...override })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(override))
    }
    const unknown = await owner.post('/roles', { ...ROSTER, permissions: ['rockets:launch'] })
    assert.include(unknown.body().errors[0].message, 'rockets:launch')
  })

  test('changes a custom role (audited, effective at once); built-in roles are read-only', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    await owner.post('/roles', ROSTER)
    const email = `roster@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Roster', email, password: PASSWORD, roles: [ROSTER.key] })
    const member = await consoleAgent(client, venue.tenant.slug, email, PASSWORD)
    ;(await member.get('/roles')).assertStatus(403)

    const changed = await owner.put(`/roles/${ROSTER.key}`, { name: 'Role viewer', permissions: ['roles:read'] })
    changed.assertStatus(200)
    assert.deepInclude(changed.body().role, { name: 'Role viewer', description: null, permissions: ['roles:read'], memberCount: 1 })
    ;(await member.get('/roles')).assertStatus(200)
    ;(await member.get('/staff')).assertStatus(403)

    const [row] = (await owner.get('/audit?action=role.updated')).body().data
    assert.deepInclude(row.before, { name: ROSTER.name, description: ROSTER.description, permissions: ['staff:read'] })
    assert.deepInclude(row.after, { name: 'Role viewer', permissions: ['roles:read'] })

    const builtin = await owner.put('/roles/box_office', { name: 'Desk', permissions: ['audit:read'] })
    builtin.assertStatus(409)
    assert.equal(builtin.body().errors[0].code, 'E_BUILTIN_ROLE')
    ;(await owner.put('/roles/nonexistent', { name: 'X', permissions: [] })).assertStatus(404)
    ;(await owner.put(`/roles/${ROSTER.key}`, { name: 'X', permissions: ['nope'] })).assertStatus(422)
  })

  test('deletes a custom role only when nobody holds it', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    await owner.post('/roles', ROSTER)
    const { staff } = (
      await owner.post('/staff', { fullName: 'Roster', email: `roster@${venue.tenant.slug}.test`, password: PASSWORD, roles: [ROSTER.key] })
    ).body()

    const inUse = await owner.delete(`/roles/${ROSTER.key}`)
    inUse.assertStatus(409)
    assert.equal(inUse.body().errors[0].code, 'E_ROLE_IN_USE')
    ;(await owner.delete('/roles/admin')).assertStatus(409)

    await owner.patch(`/staff/${staff.id}`, { roles: ['checkin'] })
    ;(await owner.delete(`/roles/${ROSTER.key}`)).assertStatus(204)
    ;(await owner.delete(`/roles/${ROSTER.key}`)).assertStatus(404)
    const keys = (await owner.get('/roles')).body().roles.map((role: { key: string }) => role.key)
    assert.notInclude(keys, ROSTER.key)

    const [row] = (await owner.get('/audit?action=role.deleted')).body().data
    assert.deepInclude(row.before, { key: ROSTER.key, permissions: ['staff:read'], memberCount: 0 })
    // A deleted role cannot be granted any more.
    const grant = await owner.patch(`/staff/${staff.id}`, { roles: [ROSTER.key] })
    grant.assertStatus(422)
    assert.equal(grant.body().errors[0].field, 'roles')
  })

  test('roles:write is needed to change roles; roles:read to see them', async ({ client }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const email = `admin@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Admin', email, password: PASSWORD, roles: ['admin'] })
    const admin = await consoleAgent(client, venue.tenant.slug, email, PASSWORD)
    ;(await admin.get('/roles')).assertStatus(200)
    ;(await admin.get('/permissions')).assertStatus(200)
    ;(await admin.post('/roles', ROSTER)).assertStatus(403)
    ;(await admin.put('/roles/box_office', { name: 'X', permissions: [] })).assertStatus(403)
    ;(await admin.delete('/roles/box_office')).assertStatus(403)
  })
})
