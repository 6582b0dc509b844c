import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { runInTenant } from '#tenancy/services/tenant_database'

/** A venue's owner with a session, two products of its site and one of another site. */
async function quotaVenue(client: ApiClient) {
  const venue = await createTenant()
  const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
  const { site } = (await owner.post('/sites', { name: 'Museum' })).body()
  const { site: otherSite } = (await owner.post('/sites', { name: 'Annex' })).body()
  const product = async (siteId: number, name: string) =>
    (await owner.post('/products', { siteId, name, kind: 'adult', basePrice: 1000 })).body().product
  const adult = await product(site.id, 'Adult')
  const student = await product(site.id, 'Student')
  const foreign = await product(otherSite.id, 'Annex entry')
  const { session } = (
    await owner.post('/sessions', { siteId: site.id, kind: 'slot', startsAt: '2030-05-01T09:00:00+08:00', endsAt: '2030-05-01T10:00:00+08:00' })
  ).body()
  return { venue, owner, session, adult, student, foreign }
}

test.group('Console quotas', () => {
  test('the owner adds, lists and changes the quotas of a session, audited', async ({ client, assert }) => {
    const { owner, session, adult, student } = await quotaVenue(client)
    const created = await owner.post(`/sessions/${session.id}/quotas`, { name: 'Morning', capacity: 100, productIds: [student.id, adult.id] })
    created.assertStatus(201)
    const quota = created.body().quota
    assert.deepInclude(quota, { sessionId: session.id, name: 'Morning', capacity: 100, held: 0, sold: 0, remaining: 100 })
    assert.deepEqual(quota.productIds, [adult.id, student.id])
    await owner.post(`/sessions/${session.id}/quotas`, { name: 'Students', capacity: 20, productIds: [student.id] })

    const listed = await owner.get(`/sessions/${session.id}/quotas`)
    listed.assertStatus(200)
    assert.deepEqual(listed.body().quotas.map((q: { name: string }) => q.name), ['Morning', 'Students'])

    const changed = await owner.patch(`/quotas/${quota.id}`, { name: 'Morning entry', capacity: 120, productIds: [adult.id] })
    changed.assertStatus(200)
    assert.deepInclude(changed.body().quota, { name: 'Morning entry', capacity: 120, remaining: 120 })
    assert.deepEqual(changed.body().quota.productIds, [adult.id])

    const [createdRow] = (await owner.get('/audit?action=quota.created')).body().data.filter(
      (row: { subjectId: string }) => row.subjectId === String(quota.id)
    )
    assert.equal(createdRow.after.capacity, 100)
    const [updatedRow] = (await owner.get('/audit?action=quota.updated')).body().data
    assert.deepInclude(updatedRow.before, { name: 'Morning', capacity: 100 })
    assert.deepEqual(updatedRow.before.productIds, [adult.id, student.id])
    assert.deepInclude(updatedRow.after, { name: 'Morning entry', capacity: 120 })
    assert.deepEqual(updatedRow.after.productIds, [adult.id])
  })

  test('capacity never goes below what is held or sold', async ({ client, assert }) => {
    const { venue, owner, session, adult } = await quotaVenue(client)
    const { quota } = (await owner.post(`/sessions/${session.id}/quotas`, { name: 'Entry', capacity: 10, productIds: [adult.id] })).body()
    await runInTenant(venue.tenant, (trx) => trx.from('quotas').where('id', quota.id).update({ held: 3, sold: 5 }))

    const refused = await owner.patch(`/quotas/${quota.id}`, { name: 'Renamed', capacity: 7 })
    refused.assertStatus(409)
    assert.deepInclude(refused.body().errors[0], { field: 'capacity', code: 'E_CAPACITY_IN_USE' })
    assert.match(refused.body().errors[0].message, /8 already sold or held/)
    const unchanged = (await owner.get(`/sessions/${session.id}/quotas`)).body().quotas[0]
    assert.deepInclude(unchanged, { name: 'Entry', capacity: 10, held: 3, sold: 5, remaining: 2 })
    assert.lengthOf((await owner.get('/audit?action=quota.updated')).body().data, 0)

    const lowered = await owner.patch(`/quotas/${quota.id}`, { capacity: 8 })
    lowered.assertStatus(200)
    assert.deepInclude(lowered.body().quota, { capacity: 8, remaining: 0 })
    // Renaming a full quota is fine.
    ;(await owner.patch(`/quotas/${quota.id}`, { name: 'Entry (full)' })).assertStatus(200)
  })

  test('refuses broken input and products of another site', async ({ client, assert }) => {
    const { owner, session, adult, foreign } = await quotaVenue(client)
    const valid = { name: 'Entry', capacity: 10, productIds: [adult.id] }
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ capacity: -1 }, 'capacity'],
      [{ capacity: 2.5 }, 'capacity'],
      [{ productIds: [] }, 'productIds'],
      [{ productIds: [adult.id, adult.id] }, 'productIds'],
      [{ productIds: [adult.id, foreign.id] }, 'productIds'],
      [{ productIds: [999999] }, 'productIds'],
    ]
    for (const [override, field] of cases) {
      const response = await owner.post(`/sessions/${session.id}/quotas`, { ...valid, ...override })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(override))
    }
    assert.lengthOf((await owner.get(`/sessions/${session.id}/quotas`)).body().quotas, 0)

    const { quota } = (await owner.post(`/sessions/${session.id}/quotas`, valid)).body()
    const foreignChange = await owner.patch(`/quotas/${quota.id}`, { productIds: [foreign.id] })
    foreignChange.assertStatus(422)
    assert.equal(foreignChange.body().errors[0].field, 'productIds')
    assert.deepEqual((await owner.get(`/sessions/${session.id}/quotas`)).body().quotas[0].productIds, [adult.id])

    ;(await owner.get('/sessions/999999/quotas')).assertStatus(404)
    ;(await owner.post('/sessions/999999/quotas', valid)).assertStatus(404)
    ;(await owner.patch('/quotas/999999', { capacity: 1 })).assertStatus(404)
  })

  test('box office staff may see quotas but not change them', async ({ client, assert }) => {
    const { venue, owner, session, adult } = await quotaVenue(client)
    const email = `desk@${venue.tenant.slug}.test`
    await owner.post('/staff', { fullName: 'Desk', email, password: 'desk-shift-2024', roles: ['box_office'] })
    const { quota } = (await owner.post(`/sessions/${session.id}/quotas`, { name: 'Entry', capacity: 10, productIds: [adult.id] })).body()
    const desk = await consoleAgent(client, venue.tenant.slug, email, 'desk-shift-2024')

    ;(await desk.get(`/sessions/${session.id}/quotas`)).assertStatus(200)
    for (const response of [
      await desk.post(`/sessions/${session.id}/quotas`, { name: 'Mine', capacity: 1, productIds: [adult.id] }),
      await desk.patch(`/quotas/${quota.id}`, { capacity: 1000 }),
    ]) {
      response.assertStatus(403)
      assert.equal(response.body().errors[0].code, 'E_PERMISSION_DENIED')
    }
    assert.deepInclude((await owner.get(`/sessions/${session.id}/quotas`)).body().quotas[0], { capacity: 10 })
  })
})
