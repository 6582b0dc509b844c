import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

const PASSWORD = 'desk-shift-2024'

/** A client with no cookies that presents only the token. */
function bearer(client: ApiClient, slug: string, plainToken: string) {
  return new Agent(client, `/t/${slug}/console/api`, { authorization: `Bearer ${plainToken}` })
}

test.group('Console access tokens', () => {
  test('a token is shown once, listed without secrets, and authenticates API calls', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)

    const created = await owner.post('/tokens', { name: 'Nightly export', expiresInDays: 7 })
    created.assertStatus(201)
    const { token } = created.body()
    assert.match(token.plainToken, /^tst_/)
    assert.deepEqual(token.abilities, ['*'])
    const days = (new Date(token.expiresAt).getTime() - Date.now()) / 86_400_000
    assert.closeTo(days, 7, 0.01)

    const listed = await owner.get('/tokens')
    listed.assertStatus(200)
    assert.lengthOf(listed.body().tokens, 1)
    assert.deepInclude(listed.body().tokens[0], { id: token.id, name: 'Nightly export', abilities: ['*'] })
    assert.notInclude(JSON.stringify(listed.body()), token.plainToken.slice(4))
    assert.notProperty(listed.body().tokens[0], 'hash')

    const api = bearer(client, venue.tenant.slug, token.plainToken)
    const staff = await api.get('/staff')
    staff.assertStatus(200)
    assert.equal(staff.body().staff[0].email, venue.email)
    ;(await api.post('/staff', { fullName: 'Via token', email: `api@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['checkin'] })).assertStatus(201)

    const [row] = (await owner.get('/audit?action=access_token.created')).body().data
    assert.equal(row.subjectId, String(token.id))
    assert.notInclude(JSON.stringify(row), token.plainToken.slice(4))
  })

  test("a token is limited by its abilities and by its owner's roles", async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const readOnly = (await owner.post('/tokens', { name: 'Reader', abilities: ['staff:read'] })).body().token
    const api = bearer(client, venue.tenant.slug, readOnly.plainToken)
    ;(await api.get('/staff')).assertStatus(200)
    const refused = await api.post('/staff', { fullName: 'X', email: `x@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['checkin'] })
    refused.assertStatus(403)
    ;(await api.get('/roles')).assertStatus(403)

    const [denial] = (await owner.get('/audit?action=authz.denied')).body().data
    assert.deepInclude(denial.meta, { permission: 'roles:read' })
    assert.equal(denial.actorId, String(venue.owner.id))

    // A box office member's unrestricted token still cannot do what box office may not.
    const email = `desk@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Desk', email, password: PASSWORD, roles: ['box_office'] })
    const desk = await consoleAgent(client, venue.tenant.slug, email, PASSWORD)
    const deskToken = (await desk.post('/tokens', { name: 'Desk script' })).body().token
    ;(await bearer(client, venue.tenant.slug, deskToken.plainToken).get('/staff')).assertStatus(403)
  })

  test('tokens are managed with a session only, and each member sees and revokes only their own', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const email = `admin@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Admin', email, password: PASSWORD, roles: ['admin'] })
    const admin = await consoleAgent(client, venue.tenant.slug, email, PASSWORD)

    const ownerToken = (await owner.post('/tokens', { name: 'Owner script' })).body().token
    const adminToken = (await admin.post('/tokens', { name: 'Admin script' })).body().token
    const api = bearer(client, venue.tenant.slug, ownerToken.plainToken)
    ;(await api.post('/tokens', { name: 'Minted by a token' })).assertStatus(401)
    ;(await api.get('/tokens')).assertStatus(401)

    assert.deepEqual(
      (await admin.get('/tokens')).body().tokens.map((token: { id: number }) => token.id),
      [adminToken.id]
    )
    ;(await admin.delete(`/tokens/${ownerToken.id}`)).assertStatus(404)
    ;(await api.get('/staff')).assertStatus(200)

    ;(await owner.delete(`/tokens/${ownerToken.id}`)).assertStatus(204)
    ;(await api.get('/staff')).assertStatus(401)
    assert.lengthOf((await owner.get('/tokens')).body().tokens, 0)
    const [row] = (await owner.get('/audit?action=access_token.revoked')).body().data
    assert.equal(row.before.name, 'Owner script')
  })

  test('refuses unknown abilities and out-of-range lifetimes', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const cases = [
      [{ name: 'X', abilities: ['staff:read', 'root'] }, 'abilities'],
      [{ name: 'X', abilities: [] }, 'abilities'],
      [{ name: 'X', expiresInDays: 0 }, 'expiresInDays'],
      [{ name: '' }, 'name'],
    ] as const
    for (const [body, field] of cases) {
      const response = await owner.post('/tokens', body)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(body))
    }
  })

  test("venue A's token never reaches venue B's data", async ({ client, assert }) => {
    const a = await createTenant()
    const b = await createTenant()
    const ownerA = await consoleAgent(client, a.tenant.slug, a.email, a.password)
    const ownerB = await consoleAgent(client, b.tenant.slug, b.email, b.password)
    const tokenA = (await ownerA.post('/tokens', { name: 'A' })).body().token
    // B has a token with the same id, so the lookup finds a row there: its hash must not match.
    const tokenB = (await ownerB.post('/tokens', { name: 'B' })).body().token
    assert.equal(tokenA.id, tokenB.id)

    const atB = bearer(client, b.tenant.slug, tokenA.plainToken)
    const responses = [
      await atB.get('/staff'),
      await atB.get('/audit'),
      await atB.post('/staff', { fullName: 'X', email: `x@${b.tenant.slug}.test`, password: PASSWORD, roles: ['owner'] }),
    ]
    for (const response of responses) {
      assert.include([401, 403, 404], response.status())
      assert.notInclude(JSON.stringify(response.body()), b.email)
    }
    assert.lengthOf((await ownerB.get('/staff')).body().staff, 1)
  })
})
