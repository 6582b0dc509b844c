import { test } from '@japa/runner'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

const PASSWORD = 'desk-shift-2024'

test.group('Console staff administration', () => {
  test('the owner adds a box office member, who may only do what the role allows', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)

    const created = await owner.post('/staff', {
      fullName: 'Li Wei',
      email: `Desk@${venue.tenant.slug}.test`,
      phone: '13912345678',
      password: PASSWORD,
      roles: ['box_office'],
    })
    created.assertStatus(201)
    assert.equal(created.body().staff.email, `desk@${venue.tenant.slug}.test`)
    assert.deepEqual(created.body().staff.roles, ['box_office'])
    assert.notProperty(created.body().staff, 'password')

    const listed = await owner.get('/staff')
    listed.assertStatus(200)
    assert.sameMembers(
      listed.body().staff.map((member: { email: string }) => member.email),
      [venue.email, `desk@${venue.tenant.slug}.test`]
    )

    const desk = await consoleAgent(client, venue.tenant.slug, `desk@${venue.tenant.slug}.test`, PASSWORD)
    const refused = await desk.post('/staff', { fullName: 'X', email: `x@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['owner'] })
    refused.assertStatus(403)
    assert.equal(refused.body().errors[0].code, 'E_PERMISSION_DENIED')
    ;(await desk.get('/audit')).assertStatus(403)
    ;(await desk.get('/staff')).assertStatus(403)
    // What needs no permission beyond being signed in still works.
    ;(await desk.get('/me')).assertStatus(200)
    ;(await desk.get('/tokens')).assertStatus(200)

    const denials = await owner.get(`/audit?action=authz.denied&actorId=${created.body().staff.id}`)
    denials.assertStatus(200)
    assert.sameMembers(
      denials.body().data.map((row: { meta: { permission: string } }) => row.meta.permission),
      ['staff:write', 'audit:read', 'staff:read']
    )
    assert.isTrue(denials.body().data.every((row: { outcome: string }) => row.outcome === 'denied'))
  })

  test('refuses a taken email (any case), an unknown role and a weak password', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const valid = { fullName: 'Li Wei', email: `li@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['box_office'] }

    const cases = [
      [{ email: venue.email.toUpperCase() }, 'email'],
      [{ roles: ['box_office', 'janitor'] }, 'roles'],
      [{ password: 'short1' }, 'password'],
      [{ password: 'onlyletterslong' }, 'password'],
      [{ phone: '12345' }, 'phone'],
    ] as const
    for (const [override, field] of cases) {
      const response = await owner.post('/staff', { ...valid, ...override })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(override))
    }
    const staff = (await owner.get('/staff')).body().staff
    assert.lengthOf(staff, 1)
  })

  test('creating and changing staff is audited with before and after, never with the password', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const { staff } = (
      await owner.post('/staff', { fullName: 'Li Wei', email: `li@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['box_office'] })
    ).body()
    const changed = await owner.patch(`/staff/${staff.id}`, { fullName: 'Li Wei (desk)', phone: '13700001111', roles: ['checkin'] })
    changed.assertStatus(200)
    assert.deepEqual(changed.body().staff.roles, ['checkin'])

    const createdRows = (await owner.get(`/audit?action=staff.created&subjectType=staff`)).body().data
    const createdRow = createdRows.find((row: { subjectId: string }) => row.subjectId === String(staff.id))
    assert.equal(createdRow.actorId, String(venue.owner.id))
    assert.deepEqual(createdRow.after.roles, ['box_office'])

    const [updatedRow] = (await owner.get('/audit?action=staff.updated')).body().data
    assert.equal(updatedRow.before.fullName, 'Li Wei')
    assert.deepEqual(updatedRow.before.roles, ['box_office'])
    assert.equal(updatedRow.after.fullName, 'Li Wei (desk)')
    assert.equal(updatedRow.after.phone, '137****1111')
    assert.deepEqual(updatedRow.after.roles, ['checkin'])

    for (const row of [createdRow, updatedRow]) {
      const text = JSON.stringify(row)
      assert.notInclude(text, '$scrypt')
      assert.notInclude(text, PASSWORD)
      assert.notProperty(row.after, 'password')
    }
  })

  test('the last active owner can be neither disabled nor demoted', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const self = `/staff/${venue.owner.id}`

    for (const change of [{ status: 'disabled' }, { roles: ['admin'] }]) {
      const response = await owner.patch(self, change)
      response.assertStatus(409)
      assert.equal(response.body().errors[0].code, 'E_LAST_OWNER')
      assert.match(response.body().errors[0].message, /active owner/)
    }

    // A second owner who is disabled does not count; once active, the first may step down.
    const { staff } = (
      await owner.post('/staff', { fullName: 'Co-owner', email: `co@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['owner'] })
    ).body()
    ;(await owner.patch(`/staff/${staff.id}`, { status: 'disabled' })).assertStatus(200)
    ;(await owner.patch(self, { roles: ['admin'] })).assertStatus(409)
    ;(await owner.patch(`/staff/${staff.id}`, { status: 'active' })).assertStatus(200)
    const demoted = await owner.patch(self, { roles: ['admin'] })
    demoted.assertStatus(200)
    assert.deepEqual(demoted.body().staff.roles, ['admin'])
  })

  test('only someone holding roles:write may grant the owner role', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    await owner.post('/staff', { fullName: 'Admin', email: `admin@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['admin'] })
    const desk = (
      await owner.post('/staff', { fullName: 'Desk', email: `desk@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['box_office'] })
    ).body().staff

    const admin = await consoleAgent(client, venue.tenant.slug, `admin@${venue.tenant.slug}.test`, PASSWORD)
    const newOwner = await admin.post('/staff', { fullName: 'X', email: `x@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['owner'] })
    newOwner.assertStatus(403)
    assert.equal(newOwner.body().errors[0].code, 'E_ROLE_GRANT_DENIED')
    ;(await admin.patch(`/staff/${desk.id}`, { roles: ['owner'] })).assertStatus(403)
    const refusals = (await owner.get('/audit?action=authz.denied&subjectType=role')).body().data
    assert.lengthOf(refusals, 2)
    assert.deepInclude(refusals[0], { subjectId: 'owner', outcome: 'denied' })
    assert.equal(refusals[0].meta.grant, 'owner')
    assert.deepEqual((await owner.get('/staff')).body().staff.find((m: { id: string }) => m.id === desk.id).roles, ['box_office'])

    // Nor through a custom role that carries what the admin lacks.
    await owner.post('/roles', { key: 'role-editor', name: 'Role editor', permissions: ['roles:read', 'roles:write'] })
    ;(await admin.patch(`/staff/${desk.id}`, { roles: ['role-editor'] })).assertStatus(403)

    // What the admin holds themselves, they may hand out.
    ;(await admin.patch(`/staff/${desk.id}`, { roles: ['box_office', 'checkin'] })).assertStatus(200)
    ;(await owner.patch(`/staff/${desk.id}`, { roles: ['owner'] })).assertStatus(200)

    // Taking an owner's rights away needs roles:write as well, even with another owner left.
    for (const change of [{ status: 'disabled' }, { roles: ['box_office'] }]) {
      const refused = await admin.patch(`/staff/${desk.id}`, change)
      refused.assertStatus(403)
      assert.equal(refused.body().errors[0].code, 'E_ROLE_GRANT_DENIED')
    }
    ;(await owner.patch(`/staff/${desk.id}`, { status: 'disabled' })).assertStatus(200)
  })

  test('a disabled member cannot sign in, and their session and tokens stop working', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const email = `desk@${venue.tenant.slug}.test`
    const { staff } = (await owner.post('/staff', { fullName: 'Desk', email, password: PASSWORD, roles: ['admin'] })).body()
    const desk = await consoleAgent(client, venue.tenant.slug, email, PASSWORD)
    const { token } = (await desk.post('/tokens', { name: 'script' })).body()
    const bearer = new Agent(client, desk.base, { authorization: `Bearer ${token.plainToken}` })
    ;(await bearer.get('/staff')).assertStatus(200)

    const disabled = await owner.patch(`/staff/${staff.id}`, { status: 'disabled' })
    disabled.assertStatus(200)
    assert.equal(disabled.body().staff.status, 'disabled')

    ;(await desk.get('/me')).assertStatus(401)
    ;(await desk.get('/staff')).assertStatus(401)
    ;(await bearer.get('/staff')).assertStatus(401)
    const signIn = await desk.post('/login', { email, password: PASSWORD })
    signIn.assertStatus(403)
    assert.equal(signIn.body().errors[0].code, 'E_ACCOUNT_DISABLED')

    // Enabling the account again revives neither the old session nor the token.
    ;(await owner.patch(`/staff/${staff.id}`, { status: 'active' })).assertStatus(200)
    ;(await desk.get('/me')).assertStatus(401)
    ;(await bearer.get('/staff')).assertStatus(401)
  })

  test("venue A's session never reaches venue B's staff", async ({ client, assert }) => {
    const a = await createTenant()
    const b = await createTenant()
    const ownerA = await consoleAgent(client, a.tenant.slug, a.email, a.password)
    const atB = ownerA.at(`/t/${b.tenant.slug}/console/api`)

    const responses = [
      await atB.get('/staff'),
      await atB.get('/roles'),
      await atB.get('/audit'),
      await atB.patch(`/staff/${b.owner.id}`, { status: 'disabled' }),
    ]
    for (const response of responses) {
      assert.include([401, 403, 404], response.status())
      assert.notInclude(JSON.stringify(response.body()), b.email)
    }
    const ownerB = await consoleAgent(client, b.tenant.slug, b.email, b.password)
    const bStaff = (await ownerB.get('/staff')).body().staff
    assert.equal(bStaff[0].status, 'active')
  })

  test('an unknown staff member is 404', async ({ client }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    ;(await owner.patch('/staff/999999', { fullName: 'Nobody' })).assertStatus(404)
  })
})
