/*
 * What the console learns about the signed-in member: their permissions at this venue (the menu
 * and buttons follow them) and whether the venue is read-only; and the console's page addresses,
 * which never stand in for its API.
 */
import { test } from '@japa/runner'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { BUILTIN_ROLES } from '#identity/authz/permissions'

test.group('Console: the signed-in member', () => {
  test('lists the permissions of the member’s roles at this venue, and the venue’s state', async ({ client, assert }) => {
    const venue = await createTenant({ venueName: '权限测试 Permission Park' })
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const mine = (await owner.get('/me')).body()
    assert.sameMembers(mine.permissions, BUILTIN_ROLES.owner.permissions)
    assert.deepEqual(mine.venue, { name: '权限测试 Permission Park', slug: venue.tenant.slug, status: 'active', readOnly: false })

    ;(await owner.post('/staff', { email: `desk@${venue.tenant.slug}.test`, fullName: 'Desk', password: 'staff-pass-2026', roles: ['box_office', 'checkin'] })).assertStatus(201)
    const desk = await consoleAgent(client, venue.tenant.slug, `desk@${venue.tenant.slug}.test`, 'staff-pass-2026')
    const theirs = (await desk.get('/me')).body()
    assert.sameMembers(theirs.permissions, [...new Set([...BUILTIN_ROLES.box_office.permissions, ...BUILTIN_ROLES.checkin.permissions])])
    assert.notInclude(theirs.permissions, 'finance:read')
    assert.equal(theirs.account.email, `desk@${venue.tenant.slug}.test`)

    // A custom role changes what the member may do at once.
    ;(await owner.post('/roles', { key: 'reports_only', name: 'Reports', permissions: ['reports:read'] })).assertStatus(201)
    const staffId = theirs.account.id
    ;(await owner.patch(`/staff/${staffId}`, { roles: ['reports_only'] })).assertStatus(200)
    assert.deepEqual((await desk.get('/me')).body().permissions, ['reports:read'])
  })

  test('a suspended venue is read-only for its staff', async ({ client, assert }) => {
    const venue = await createTenant({ status: 'suspended' })
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    assert.deepInclude((await owner.get('/me')).body().venue, { status: 'suspended', readOnly: true })
  })

  test('console screens answer the console page; the API keeps its own answers', async ({ client, assert }) => {
    const venue = await createTenant({ venueName: 'Deep Link Hall' })
    const base = `/t/${venue.tenant.slug}/console`
    for (const path of ['', '/', '/orders', '/orders/T260101ABCDEFGHIJ', '/products']) {
      const page = await client.get(`${base}${path}`)
      page.assertStatus(200)
      assert.include(page.header('content-type'), 'text/html')
      assert.include(page.text(), '<script id="context" type="application/json">')
    }
    ;(await client.get(`${base}/api/me`).header('accept', 'application/json')).assertStatus(401)
    const missing = await client.get(`${base}/api/no-such-thing`).header('accept', 'application/json')
    missing.assertStatus(404)
    assert.notInclude(missing.text(), '<script id="context"')
    // Routes defined after the page routes (another file) are still reached.
    ;(await client.get(`${base}/api/payment-accounts`).header('accept', 'application/json')).assertStatus(401)
  })
})
