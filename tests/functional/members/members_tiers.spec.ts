import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { VISITOR_PASSWORD } from '#tests/helpers/visitors'
import type { ApiClient } from '@japa/api-client'
import type Tenant from '#tenancy/models/tenant'
import { seedDemoTiers } from '#members/services/member_tiers'

const FREE = { name: 'Member', price: 0, earnPoints: 1, earnPerFen: 100 }
const GOLD = { name: 'Gold', price: 19900, validityDays: 365, discountPercent: 10, priorityHours: 48 }

const owner = (client: ApiClient, tenant: Tenant) => consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, OWNER_PASSWORD)

/** A visitor registered with a phone and a name, signed in (visitor API base). */
async function visitor(client: ApiClient, tenant: Tenant, phone: string, displayName: string) {
  const agent = new Agent(client, `/t/${tenant.slug}/api`)
  const response = await agent.post('/account/register', { email: `${phone}@example.cn`, phone, displayName, password: VISITOR_PASSWORD })
  response.assertStatus(201)
  return { agent, id: response.body().account.id as number }
}

async function staffWithRole(client: ApiClient, tenant: Tenant, role: string) {
  const email = `${role}@${tenant.slug}.test`
  ;(await (await owner(client, tenant)).post('/staff', { fullName: role, email, password: 'shift-pass-2024', roles: [role] })).assertStatus(201)
  return consoleAgent(client, tenant.slug, email, 'shift-pass-2024')
}

const audits = (tenant: Tenant, prefix: string) =>
  db.from(`${tenant.schemaName}.audit_logs`).whereLike('action', `${prefix}%`).orderBy('id').select('action', 'actor_type', 'subject_id', 'meta', 'before', 'after')

test.group('Members: tiers and memberships', () => {
  test('staff with members:write define tiers and points settings, audited; members:read only reads; others are refused', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const staff = await owner(client, tenant)

    const free = await staff.post('/member-tiers', FREE)
    free.assertStatus(201)
    assert.include(free.body().tier, { name: 'Member', price: 0, free: true, validityDays: null, memberPrice: true, discountPercent: 0, earnPoints: 1, status: 'active' })
    const gold = await staff.post('/member-tiers', GOLD)
    gold.assertStatus(201)
    const bad = await staff.post('/member-tiers', { ...GOLD, discountPercent: 100 })
    bad.assertStatus(422)
    assert.equal(bad.body().errors[0].field, 'discountPercent')

    const replaced = await staff.put(`/member-tiers/${gold.body().tier.id}`, { ...GOLD, price: 29900, status: 'inactive' })
    replaced.assertStatus(200)
    assert.include(replaced.body().tier, { price: 29900, status: 'inactive', priorityHours: 48 })
    const spare = await staff.post('/member-tiers', { name: 'Spare', price: 0 })
    ;(await staff.delete(`/member-tiers/${spare.body().tier.id}`)).assertStatus(204)
    assert.deepEqual(
      (await staff.get('/member-tiers')).body().tiers.map((tier: any) => [tier.name, tier.status, tier.members]),
      [
        ['Member', 'active', 0],
        ['Gold', 'inactive', 0],
      ]
    )

    assert.deepEqual((await staff.get('/member-settings')).body().settings, { redeemPoints: 100, redeemFen: 100, redeemMaxPercent: 50 })
    const settings = await staff.put('/member-settings', { redeemPoints: 200, redeemFen: 100, redeemMaxPercent: 30 })
    settings.assertStatus(200)
    assert.deepEqual(settings.body().settings, { redeemPoints: 200, redeemFen: 100, redeemMaxPercent: 30 })

    const desk = await staffWithRole(client, tenant, 'box_office')
    ;(await desk.get('/member-tiers')).assertStatus(200)
    ;(await desk.get('/members')).assertStatus(200)
    ;(await desk.post('/member-tiers', FREE)).assertStatus(403)
    ;(await desk.put('/member-settings', { redeemPoints: 1, redeemFen: 1, redeemMaxPercent: 100 })).assertStatus(403)
    const gate = await staffWithRole(client, tenant, 'checkin')
    ;(await gate.get('/member-tiers')).assertStatus(403)
    ;(await gate.get('/members')).assertStatus(403)

    const rows = await audits(tenant, 'member_')
    assert.deepEqual(
      rows.map((row) => row.action),
      ['member_tier.created', 'member_tier.created', 'member_tier.updated', 'member_tier.created', 'member_tier.deleted', 'member_settings.updated']
    )
    assert.equal(rows[2].before.price, 19900)
    assert.equal(rows[2].after.price, 29900)
    assert.equal(rows[5].after.redeemPoints, 200)
    assert.isTrue(rows.every((row) => row.actor_type === 'staff'))
    // Refused requests changed nothing.
    assert.equal(Number((await db.from(`${tenant.schemaName}.member_tiers`).count('* as n').first()).n), 2)
  })

  test('the demo seeds a free and a paid tier once', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    await seedDemoTiers(tenant)
    await seedDemoTiers(tenant)
    const tiers = (await (await owner(client, tenant)).get('/member-tiers')).body().tiers
    assert.deepEqual(
      tiers.map((tier: any) => [tier.price, tier.validityDays, tier.priorityHours]),
      [
        [0, null, 0],
        [19900, 365, 48],
      ]
    )
  })

  test('a visitor joins a free tier themselves (once), a paid one only once paid; member.joined is emitted; the card shows it', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const staff = await owner(client, tenant)
    const free = (await staff.post('/member-tiers', { ...FREE, validityDays: 30 })).body().tier
    const gold = (await staff.post('/member-tiers', GOLD)).body().tier
    ;(await staff.post('/webhooks', { url: 'http://127.0.0.1:9/members', description: 'CRM', events: ['member.joined'] })).assertStatus(201)
    const { agent, id } = await visitor(client, tenant, '13900000001', '李雷')

    ;(await client.get(`/t/${tenant.slug}/api/membership`)).assertStatus(401)
    const before = (await agent.get('/membership')).body()
    assert.deepEqual(before.tiers.map((tier: any) => tier.name), ['Member', 'Gold'])
    assert.isNull(before.membership)
    assert.equal(before.points.balance, 0)

    // A paid tier is an order to pay first (members_purchase.spec.ts): nothing starts yet.
    const paid = await agent.post('/membership', { tierId: gold.id })
    paid.assertStatus(201)
    assert.deepInclude(paid.body().order, { status: 'pending_payment', totalAmount: GOLD.price })

    const joined = await agent.post('/membership', { tierId: free.id })
    joined.assertStatus(201)
    assert.equal(joined.body().membership.status, 'active')
    assert.equal(joined.body().membership.tier.id, free.id)
    const days = (Date.parse(joined.body().membership.expiresAt) - Date.now()) / 86_400_000
    assert.closeTo(days, 30, 0.01)
    const again = await agent.post('/membership', { tierId: free.id })
    again.assertStatus(409)
    assert.equal(again.body().errors[0].code, 'E_ALREADY_MEMBER')

    const deliveries = await db.from(`${tenant.schemaName}.webhook_deliveries`).where('event_type', 'member.joined')
    assert.lengthOf(deliveries, 1)
    assert.include(deliveries[0].payload.data, { visitorId: id, source: 'self' })
    assert.notInclude(JSON.stringify(deliveries[0].payload), '13900000001')

    const [audit] = await audits(tenant, 'member.joined')
    assert.equal(audit.actor_type, 'visitor')
  })

  test('staff grant (a paid tier with the desk payment), find, extend and cancel memberships; every change audited', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const staff = await owner(client, tenant)
    const free = (await staff.post('/member-tiers', FREE)).body().tier
    const gold = (await staff.post('/member-tiers', GOLD)).body().tier
    const lei = await visitor(client, tenant, '13900000002', '韩梅梅')
    const wang = await visitor(client, tenant, '13700000003', '王芳')
    ;(await wang.agent.post('/membership', { tierId: free.id })).assertStatus(201)

    const unpaid = await staff.post('/members', { phone: '13900000002', tierId: gold.id, note: 'paid at desk' })
    unpaid.assertStatus(422)
    assert.equal(unpaid.body().errors[0].field, 'paidAmount')
    const nobody = await staff.post('/members', { phone: '13600000000', tierId: gold.id, note: 'paid at desk', paidAmount: 19900 })
    nobody.assertStatus(422)
    assert.equal(nobody.body().errors[0].code, 'E_VISITOR_NOT_FOUND')

    const granted = await staff.post('/members', { phone: '13900000002', tierId: gold.id, note: 'paid cash at window 2', paidAmount: 19900 })
    granted.assertStatus(201)
    const member = granted.body().member
    assert.include(member, { status: 'active', source: 'staff', points: 0 })
    assert.deepEqual(member.visitor, { id: lei.id, name: '韩梅梅', phone: '13900000002', email: '13900000002@example.cn' })
    const card = (await lei.agent.get('/membership')).body()
    assert.equal(card.membership.tier.name, 'Gold')

    const byPhone = (await staff.get('/members?phone=139')).body()
    assert.equal(byPhone.total, 1)
    assert.equal(byPhone.members[0].id, member.id)
    assert.equal((await staff.get('/members?name=王')).body().members[0].visitor.id, wang.id)
    assert.equal((await staff.get(`/members?tierId=${free.id}`)).body().total, 1)
    assert.equal((await staff.get('/members')).body().total, 2)

    const extended = await staff.post(`/members/${member.id}/extend`, { days: 30, note: 'compensation for closure' })
    extended.assertStatus(200)
    assert.closeTo((Date.parse(extended.body().member.expiresAt) - Date.parse(member.expiresAt)) / 86_400_000, 30, 0.001)
    const cancelled = await staff.post(`/members/${member.id}/cancel`, { reason: 'asked to leave' })
    cancelled.assertStatus(200)
    assert.equal(cancelled.body().member.status, 'cancelled')
    assert.equal((await staff.get('/members?status=cancelled')).body().total, 1)
    assert.equal((await staff.get('/members?status=active')).body().total, 1)
    ;(await staff.post(`/members/${member.id}/extend`, { days: 30, note: 'too late' })).assertStatus(409)
    assert.equal((await lei.agent.get('/membership')).body().membership.status, 'cancelled')

    const detail = (await staff.get(`/members/${member.id}`)).body()
    assert.equal(detail.member.status, 'cancelled')
    assert.deepEqual(detail.ledger, [])

    const rows = await audits(tenant, 'member.')
    assert.deepEqual(
      rows.map((row) => row.action),
      ['member.joined', 'member.granted', 'member.extended', 'member.cancelled']
    )
    assert.include(rows[1].meta, { note: 'paid cash at window 2', paidAmount: 19900 })
    assert.equal(rows[3].meta.reason, 'asked to leave')
    assert.equal(rows[3].before.status, 'active')
  })
})
