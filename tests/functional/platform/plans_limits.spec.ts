import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { platformAgent } from '#tests/helpers/platform'
import { seedSale } from '#tests/helpers/catalog'
import { placeOrder } from '#tests/helpers/payments'
import { commissionOf, planLimits } from '#platform/services/plans'

let names = 0
const planName = (label: string) => `${label} ${process.pid}-${++names}`

const newStaff = (n: number) => ({ fullName: `Clerk ${n}`, email: `clerk${n}-${Date.now()}@venue.test`, password: 'Staff-pass-12345', roles: ['box_office'] })

test.group('Plans (套餐)', (group) => {
  group.each.teardown(() => planLimits.forget())

  test('a superadmin creates, changes and deletes plans; each change is audited; bad input changes nothing', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const name = planName('标准版 Standard')
    const created = await admin.post('/plans', { name, maxSites: 2, maxStaff: 5, maxMonthlyOrders: 1000, commissionBp: 250 })
    created.assertStatus(201)
    const plan = created.body().plan
    assert.include(plan, { name, maxSites: 2, maxStaff: 5, maxMonthlyOrders: 1000, commissionBp: 250, active: true })

    const before = await db.from('plans').count('* as n')
    const bad = await admin.post('/plans', { name: planName('Bad'), commissionBp: 10_001 })
    bad.assertStatus(422)
    assert.equal(bad.body().errors[0].field, 'commissionBp')
    ;(await admin.post('/plans', { name: name.toUpperCase() })).assertStatus(422)
    assert.deepEqual(await db.from('plans').count('* as n'), before)

    const changed = await admin.patch(`/plans/${plan.id}`, { maxStaff: null, active: false })
    changed.assertStatus(200)
    assert.include(changed.body().plan, { maxStaff: null, active: false, maxSites: 2 })

    const listed = (await admin.get('/plans')).body().plans.find((p: any) => p.id === plan.id)
    assert.equal(listed.tenantCount, 0)

    ;(await admin.delete(`/plans/${plan.id}`)).assertStatus(204)
    const actions = await db.from('platform_audit_logs').where('subject_type', 'plan').where('subject_id', String(plan.id)).orderBy('id').select('action', 'actor_label')
    assert.deepEqual(actions.map((a) => a.action), ['plan.created', 'plan.updated', 'plan.deleted'])
    assert.equal(actions[0].actor_label, admin.user.email)
  })

  test('support staff can read plans but not change them', async ({ client }) => {
    const support = await platformAgent(client, 'support')
    ;(await support.get('/plans')).assertStatus(200)
    ;(await support.post('/plans', { name: planName('Nope') })).assertStatus(403)
  })

  test('a venue is put on a plan (audited), shown in the list and filter; a plan in use cannot be deleted', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const { tenant } = await createTenant({ venueName: '套餐测试景区' })
    const plan = (await admin.post('/plans', { name: planName('Pro'), commissionBp: 300 })).body().plan

    const assigned = await admin.patch(`/tenants/${tenant.id}/plan`, { planId: plan.id })
    assigned.assertStatus(200)
    assert.equal(assigned.body().plan.id, plan.id)
    ;(await admin.patch(`/tenants/${tenant.id}/plan`, { planId: 999_999 })).assertStatus(422)

    const list = await admin.get(`/tenants?plan=${plan.id}`)
    list.assertStatus(200)
    assert.deepEqual(list.body().data.map((t: any) => t.id), [tenant.id])
    assert.deepEqual(list.body().data[0].plan, { id: plan.id, name: plan.name, commissionBp: 300 })
    assert.notInclude((await admin.get('/tenants?plan=none')).body().data.map((t: any) => t.id), tenant.id)

    const inUse = await admin.delete(`/plans/${plan.id}`)
    inUse.assertStatus(409)
    assert.equal(inUse.body().errors[0].code, 'E_PLAN_IN_USE')

    // An inactive plan stays with its venues but is not given to others.
    await admin.patch(`/plans/${plan.id}`, { active: false })
    const other = await createTenant()
    const refused = await admin.patch(`/tenants/${other.tenant.id}/plan`, { planId: plan.id })
    refused.assertStatus(422)
    assert.equal(refused.body().errors[0].code, 'E_PLAN_INACTIVE')

    const audit = await db.from('platform_audit_logs').where({ action: 'tenant.plan_changed', tenant_id: tenant.id }).firstOrFail()
    assert.deepEqual(audit.before, { planId: null })
    assert.equal(audit.after.planId, plan.id)
  })

  test('commission is integer fen, rounded half up per amount; a venue without a plan pays none', async ({ client, assert }) => {
    assert.equal(commissionOf(10_000, 250), 250)
    assert.equal(commissionOf(199, 250), 5) // 4.975 → 5
    assert.equal(commissionOf(180, 250), 5) // 4.5 → 5 (half up)
    assert.equal(commissionOf(179, 250), 4) // 4.475 → 4
    assert.equal(commissionOf(0, 250), 0)
    assert.equal(commissionOf(12_345, 10_000), 12_345)
    assert.throws(() => commissionOf(10.5, 250))
    assert.throws(() => commissionOf(-1, 250))

    const admin = await platformAgent(client)
    const { tenant } = await createTenant()
    assert.equal(await planLimits.commissionFor(tenant, 10_000), 0)
    const plan = (await admin.post('/plans', { name: planName('Commission'), commissionBp: 55 })).body().plan
    await admin.patch(`/tenants/${tenant.id}/plan`, { planId: plan.id })
    assert.equal(await planLimits.commissionFor(tenant, 10_000), 55)
    assert.equal(await planLimits.commissionFor(tenant, 999), 5) // 5.4945 → 5
  })

  test('staff accounts stop at the plan limit, also when two are created at once and when one is re-enabled', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const venue = await createTenant()
    const plan = (await admin.post('/plans', { name: planName('Two staff'), maxStaff: 2 })).body().plan
    await admin.patch(`/tenants/${venue.tenant.id}/plan`, { planId: plan.id })
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)

    // The owner is one; two created at once: exactly one gets the last place.
    const both = await Promise.all([owner.post('/staff', newStaff(1)), owner.post('/staff', newStaff(2))])
    assert.sameMembers(both.map((r) => r.status()), [201, 403])
    const refused = both.find((r) => r.status() === 403)!
    assert.equal(refused.body().errors[0].code, 'E_PLAN_LIMIT_REACHED')
    assert.include(refused.body().errors[0], { limit: 'staff', max: 2 })
    assert.equal(Number((await db.from(`${venue.tenant.schemaName}.staff_users`).count('* as n'))[0].n), 2)

    // Disabling one frees its place; re-enabling it while the place is taken is refused.
    const clerkId = both.find((r) => r.status() === 201)!.body().staff.id
    ;(await owner.patch(`/staff/${clerkId}`, { status: 'disabled' })).assertStatus(200)
    ;(await owner.post('/staff', newStaff(3))).assertStatus(201)
    const reEnable = await owner.patch(`/staff/${clerkId}`, { status: 'active' })
    reEnable.assertStatus(403)
    assert.equal(reEnable.body().errors[0].code, 'E_PLAN_LIMIT_REACHED')
  })

  test('sites stop at the plan limit', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const venue = await createTenant()
    const plan = (await admin.post('/plans', { name: planName('One site'), maxSites: 1 })).body().plan
    await admin.patch(`/tenants/${venue.tenant.id}/plan`, { planId: plan.id })
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    ;(await owner.post('/sites', { name: '东门 East', timezone: 'Asia/Shanghai' })).assertStatus(201)
    const second = await owner.post('/sites', { name: '西门 West', timezone: 'Asia/Shanghai' })
    second.assertStatus(403)
    assert.equal(second.body().errors[0].code, 'E_PLAN_LIMIT_REACHED')
    assert.equal(Number((await db.from(`${venue.tenant.schemaName}.sites`).count('* as n'))[0].n), 1)

    // Raising the limit lets the venue go on at once.
    await admin.patch(`/plans/${plan.id}`, { maxSites: 2 })
    ;(await owner.post('/sites', { name: '西门 West', timezone: 'Asia/Shanghai' })).assertStatus(201)
  })

  test('orders stop at the plan limit for the month, before any capacity is held', async ({ client, assert }) => {
    const admin = await platformAgent(client)
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 50 }] })
    const plan = (await admin.post('/plans', { name: planName('Two orders'), maxMonthlyOrders: 2 })).body().plan
    await admin.patch(`/tenants/${tenant.id}/plan`, { planId: plan.id })
    const items = [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }]

    await placeOrder(client, tenant, items)
    await placeOrder(client, tenant, items)
    const third = await client.post(`/t/${tenant.slug}/api/orders`).header('Idempotency-Key', `plan-limit-${Date.now()}`).json({ items, contact: { phone: '13700001111' } })
    third.assertStatus(403)
    assert.equal(third.body().errors[0].code, 'E_PLAN_LIMIT_REACHED')
    assert.include(third.body().errors[0], { limit: 'monthlyOrders', max: 2 })
    const holds = await db.from(`${tenant.schemaName}.holds`).count('* as n')
    assert.equal(Number(holds[0].n), 2)

    // Last month's orders do not count.
    await db.from(`${tenant.schemaName}.orders`).update({ created_at: new Date(Date.now() - 40 * 86_400_000) })
    planLimits.forget()
    await placeOrder(client, tenant, items)
  })
})
