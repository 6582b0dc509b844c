import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

const PASSWORD = 'desk-shift-2024'

interface Row {
  id: number
  action: string
  actorId: string | null
  subjectType: string | null
  subjectId: string | null
}

test.group('Console audit log', () => {
  test('pages through the log newest first, filtered by action, actor, subject type and days', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    for (const name of ['one', 'two', 'three']) {
      await owner.post('/staff', { fullName: name, email: `${name}@${venue.tenant.slug}.test`, password: PASSWORD, roles: ['checkin'] })
    }

    const all = await owner.get('/audit')
    all.assertStatus(200)
    const rows: Row[] = all.body().data
    assert.deepEqual(rows.map((row) => row.id), rows.map((row) => row.id).sort((x, y) => y - x))
    // Provisioning, the owner's sign-in, three new staff members.
    assert.sameOrderedMembers(rows.map((row) => row.action), ['staff.created', 'staff.created', 'staff.created', 'auth.login', 'staff.created'])
    assert.notProperty(rows[0], 'hash')

    const page = await owner.get('/audit?action=staff.created&perPage=2&page=2')
    assert.deepInclude(page.body().meta, { total: 4, perPage: 2, currentPage: 2, lastPage: 2 })
    assert.deepEqual(page.body().data.map((row: Row) => row.subjectId), ['2', '1'])
    assert.equal(page.body().meta.previousPageUrl, `/t/${venue.tenant.slug}/console/api/audit?action=staff.created&perPage=2&page=1`)

    const byActor = (await owner.get(`/audit?actorId=${venue.owner.id}&subjectType=staff`)).body().data
    assert.lengthOf(byActor, 4) // the sign-in and the three members; provisioning had no signed-in actor
    assert.isTrue(byActor.every((row: Row) => row.actorId === String(venue.owner.id) && row.subjectType === 'staff'))

    const today = DateTime.now().toISODate()
    const yesterday = DateTime.now().minus({ days: 1 }).toISODate()
    assert.lengthOf((await owner.get(`/audit?from=${today}&to=${today}`)).body().data, 5)
    assert.lengthOf((await owner.get(`/audit?to=${yesterday}`)).body().data, 0)
    assert.lengthOf((await owner.get(`/audit?from=${DateTime.now().plus({ days: 1 }).toISODate()}`)).body().data, 0)
  })

  test('a refused request leaves an authz.denied record', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const email = `desk@${venue.tenant.slug}.test`
    const { staff } = (await owner.post('/staff', { fullName: 'Desk', email, password: PASSWORD, roles: ['box_office'] })).body()
    const desk = await consoleAgent(client, venue.tenant.slug, email, PASSWORD)
    ;(await desk.get('/audit')).assertStatus(403)

    const [row] = (await owner.get('/audit?action=authz.denied')).body().data
    assert.deepInclude(row, { outcome: 'denied', actorType: 'staff', actorId: String(staff.id), actorLabel: email })
    assert.deepInclude(row.meta, { permission: 'audit:read', method: 'GET' })
  })

  test('audit:read is enough to read it (finance), and filters are validated', async ({ client, assert }) => {
    const venue = await createTenant()
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const email = `finance@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Finance', email, password: PASSWORD, roles: ['finance'] })
    const finance = await consoleAgent(client, venue.tenant.slug, email, PASSWORD)
    ;(await finance.get('/audit')).assertStatus(200)

    for (const [query, field] of [['from=yesterday', 'from'], ['to=2024-13-01', 'to'], ['perPage=1000', 'perPage'], ['page=0', 'page']]) {
      const response = await finance.get(`/audit?${query}`)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, query)
    }
  })
})
