import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { laterSession, quotaState, seedSale } from '#tests/helpers/catalog'
import InventoryService from '#inventory/services/inventory_service'
import { sweepExpiredHolds } from '#inventory/services/hold_sweeper'
import type { ApiClient } from '@japa/api-client'
import type Tenant from '#tenancy/models/tenant'

const CONTACT = { name: '张三', phone: '13912345678' }
let keys = 0
const key = () => `voucher-order-${process.pid}-${++keys}`

const owner = (client: ApiClient, tenant: Tenant) => consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, 'correct-horse-42')
type Staff = Awaited<ReturnType<typeof owner>>

function place(client: ApiClient, tenant: Tenant, items: { productId: number; sessionId: number; quantity: number }[], couponCode?: string) {
  return client.post(`/t/${tenant.slug}/api/orders`).header('Idempotency-Key', key()).json({ items, contact: CONTACT, ...(couponCode ? { couponCode } : {}) })
}

async function campaign(agent: Staff, body: Record<string, unknown>) {
  const response = await agent.post('/coupons', { name: 'Voucher', ...body })
  response.assertStatus(201)
  return response.body() as { campaign: any; codes: string[] }
}

/** A sale of a public ticket and a voucher-only invitation (赠票) on one quota. */
async function saleWithHiddenProduct(tenant: Tenant) {
  const sale = await seedSale(tenant, { products: [{ price: 8000 }, { price: 8000 }], quotas: [{ capacity: 50 }] })
  await db.from(`${tenant.schemaName}.products`).where('id', sale.products[1].id).update({ requires_voucher: true, name: 'Invitation' })
  return { ...sale, open: sale.products[0], hidden: sale.products[1] }
}

/** A session of 8 places, 3 of them set aside for a campaign with these terms and codes; one ticket to buy. */
async function reservedSale(client: ApiClient, terms: Record<string, unknown>) {
  const { tenant } = await createTenant()
  const sale = await seedSale(tenant, { quotas: [{ capacity: 8 }] })
  const { codes } = await campaign(await owner(client, tenant), { ...terms, reserves: [{ sessionId: sale.session.id, places: 3 }] })
  return { tenant, sale, codes, item: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }] }
}

const fieldOf = (response: { body(): any }) => response.body().errors?.[0]?.field

test.group('Vouchers', () => {
  test('a voucher-only product is neither listed nor sold without a code that unlocks it', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 8000 }, { price: 8000 }], quotas: [{ capacity: 50 }] })
    const [open, hidden] = sale.products
    const staff = await owner(client, tenant)
    // Marked voucher-only in the console's product form.
    const marked = await staff.patch(`/products/${hidden.id}`, { requiresVoucher: true })
    marked.assertStatus(200)
    assert.isTrue(marked.body().product.requiresVoucher)
    await campaign(staff, { kind: 'percent_off', value: 100, productIds: [hidden.id], code: 'GUEST-2026', usesPerCode: 5 })
    await campaign(staff, { kind: 'amount_off', value: 500, code: 'OTHER-500', usesPerCode: 5 })
    const hiddenItem = [{ productId: hidden.id, sessionId: sale.session.id, quantity: 1 }]

    const listed = (await client.get(`/t/${tenant.slug}/api/products`)).body().products
    assert.deepEqual(listed.map((product: any) => product.id), [open.id])
    ;(await client.get(`/t/${tenant.slug}/api/products/${hidden.id}`)).assertStatus(404)
    ;(await client.get(`/t/${tenant.slug}/api/products/${hidden.id}?voucher=OTHER-500`)).assertStatus(404)

    const without = await place(client, tenant, hiddenItem)
    without.assertStatus(422)
    assert.equal(fieldOf(without), 'items.0')
    assert.equal(without.body().errors[0].code, 'E_VOUCHER_REQUIRED')
    const wrongCode = await place(client, tenant, hiddenItem, 'other-500')
    wrongCode.assertStatus(422)
    assert.equal(fieldOf(wrongCode), 'couponCode')
    // A bare hold cannot take it either.
    ;(await client.post(`/t/${tenant.slug}/api/holds`).json({ items: hiddenItem })).assertStatus(422)
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 0)

    // With the code: shown, its product page opens, and it is bought (a comp ticket: free, issued at once).
    const voucher = await client.get(`/t/${tenant.slug}/api/vouchers/guest-2026`)
    voucher.assertStatus(200)
    assert.equal(voucher.body().voucher.code, 'GUEST2026')
    assert.deepEqual(voucher.body().voucher.products.map((product: any) => product.id), [hidden.id])
    ;(await client.get(`/t/${tenant.slug}/api/products/${hidden.id}?voucher=GUEST-2026`)).assertStatus(200)
    const sessions = await client.get(`/t/${tenant.slug}/api/products/${hidden.id}/sessions?date=${sale.session.startsAt.setZone('Asia/Shanghai').toISODate()}&voucher=GUEST-2026`)
    assert.equal(sessions.body().sessions[0].remaining, 50)

    const bought = await place(client, tenant, hiddenItem, 'GUEST-2026')
    bought.assertStatus(201)
    assert.equal(bought.body().order.totalAmount, 0)
    assert.equal(bought.body().order.status, 'issued')
    ;(await client.get(`/t/${tenant.slug}/api/vouchers/NO-SUCH-CODE`)).assertStatus(422)
  })

  test('a voucher without a discount only unlocks; its product stays hidden from other codes', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await saleWithHiddenProduct(tenant)
    const staff = await owner(client, tenant)
    const presale = await campaign(staff, { kind: 'none', value: 0, productIds: [sale.hidden.id], count: 2 })
    const bought = await place(client, tenant, [{ productId: sale.hidden.id, sessionId: sale.session.id, quantity: 2 }], presale.codes[0])
    bought.assertStatus(201)
    assert.equal(bought.body().order.totalAmount, 16000)
    assert.equal(bought.body().order.discountAmount, 0)

    const badValue = await staff.post('/coupons', { name: 'x', kind: 'none', value: 5 })
    badValue.assertStatus(422)
    assert.equal(fieldOf(badValue), 'value')
  })

  test('a voucher-only ticket can be changed (改签) to another session: the order keeps what its voucher opened', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await saleWithHiddenProduct(tenant)
    const schema = tenant.schemaName
    await db.from(`${schema}.products`).where('id', sale.hidden.id).update({ changeable: true })
    const { codes } = await campaign(await owner(client, tenant), { kind: 'percent_off', value: 100, productIds: [sale.hidden.id], count: 1 })
    const bought = await place(client, tenant, [{ productId: sale.hidden.id, sessionId: sale.session.id, quantity: 1 }], codes[0])
    bought.assertStatus(201)
    const { order, accessToken } = bought.body()

    const next = await laterSession(tenant, sale, { productIds: [sale.hidden.id] })

    const changed = await client.post(`/t/${tenant.slug}/api/orders/${order.number}/changes`).header('X-Order-Token', accessToken).json({ toSessionId: Number(next.id) })
    changed.assertStatus(201)
    assert.equal(changed.body().change.status, 'completed')
    assert.deepEqual(
      changed.body().order.tickets.map((t: any) => [t.status, t.session.id]),
      [['changed', sale.session.id], ['valid', Number(next.id)]]
    )
  })

  test('reserved places: general buyers cannot take them, the voucher draws from them first', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 5 }] })
    const staff = await owner(client, tenant)
    const item = (quantity: number) => [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity }]
    const { campaign: made, codes } = await campaign(staff, { kind: 'none', value: 0, count: 1, usesPerCode: 10, reserves: [{ sessionId: sale.session.id, places: 3 }] })
    assert.deepEqual(made.reserves, [{ sessionId: sale.session.id, quotaId: sale.quotas[0].id, quotaName: 'Quota 1', places: 3 }])

    const day = sale.session.startsAt.setZone('Asia/Shanghai').toISODate()
    assert.equal((await client.get(`/t/${tenant.slug}/api/products/${sale.products[0].id}/sessions?date=${day}`)).body().sessions[0].remaining, 2)
    assert.equal((await client.get(`/t/${tenant.slug}/api/products/${sale.products[0].id}/sessions?date=${day}&voucher=${codes[0]}`)).body().sessions[0].remaining, 5)

    ;(await place(client, tenant, item(2))).assertStatus(201)
    ;(await place(client, tenant, item(1))).assertStatus(409)

    // The voucher takes its 3 reserved places; then nothing is left for anyone.
    const voucherOrder = await place(client, tenant, item(3), codes[0])
    voucherOrder.assertStatus(201)
    ;(await place(client, tenant, item(1), codes[0])).assertStatus(409)
    const quota = await db.from(`${tenant.schemaName}.quotas`).where('id', sale.quotas[0].id).firstOrFail()
    assert.deepInclude(quota, { capacity: 5, held: 5, reserved: 0 })

    // An order abandoned gives its reserved places back to the reserve, not to general sale.
    const holdId = (await db.from(`${tenant.schemaName}.orders`).where('number', voucherOrder.body().order.number).firstOrFail()).hold_id
    await InventoryService.release(tenant, holdId)
    const after = await db.from(`${tenant.schemaName}.quotas`).where('id', sale.quotas[0].id).firstOrFail()
    assert.deepInclude(after, { held: 2, reserved: 3 })
    ;(await place(client, tenant, item(1))).assertStatus(409)

    // Disabling the campaign gives its reserve to general sale.
    ;(await staff.post(`/coupons/${made.id}/disable`)).assertStatus(200)
    assert.equal((await db.from(`${tenant.schemaName}.quotas`).where('id', sale.quotas[0].id).firstOrFail()).reserved, 0)
    ;(await place(client, tenant, item(3))).assertStatus(201)
  })

  test('a voucher past its validity keeps no places aside: the sweep gives its reserve to general sale', async ({ client, assert }) => {
    const { tenant, sale, item, codes } = await reservedSale(client, { kind: 'none', value: 0, count: 1, usesPerCode: 5 })
    ;(await place(client, tenant, item)).assertStatus(201)
    const reserved = async () => (await db.from(`${tenant.schemaName}.quotas`).where('id', sale.quotas[0].id).firstOrFail()).reserved
    assert.equal(await reserved(), 3)
    // Still valid: the sweep leaves it alone.
    await sweepExpiredHolds()
    assert.equal(await reserved(), 3)

    await db.from(`${tenant.schemaName}.coupon_campaigns`).update({ valid_until: new Date(Date.now() - 1000) })
    await sweepExpiredHolds()
    assert.equal(await reserved(), 0)
    assert.equal(await db.from(`${tenant.schemaName}.voucher_reserves`).count('* as n').first().then((row) => Number(row.n)), 0)
    const general = await client.post(`/t/${tenant.slug}/api/orders`).header('Idempotency-Key', key()).json({ items: [{ ...item[0], quantity: 7 }], contact: CONTACT })
    general.assertStatus(201)
    ;(await place(client, tenant, item, codes[0])).assertStatus(422)
  })

  test('ten parallel voucher orders for a reserve of 3 on a sold-out session: exactly 3, never oversold', async ({ client, assert }) => {
    const { tenant, sale, item, codes } = await reservedSale(client, { kind: 'amount_off', value: 100, count: 10 })
    // The general places (5) go to parallel general buyers, some of them too many.
    const general = await Promise.all(Array.from({ length: 8 }, () => place(client, tenant, item)))
    assert.equal(general.filter((response) => response.status() === 201).length, 5)

    const responses = await Promise.all(codes.map((code) => place(client, tenant, item, code)))
    const won = responses.filter((response) => response.status() === 201)
    assert.lengthOf(won, 3)
    for (const response of responses.filter((r) => r.status() !== 201)) assert.equal(response.status(), 409)

    const quota = await db.from(`${tenant.schemaName}.quotas`).where('id', sale.quotas[0].id).firstOrFail()
    assert.deepInclude(quota, { capacity: 8, held: 8, sold: 0, reserved: 0 })
    const state = await quotaState(tenant, sale.quotas[0].id)
    assert.equal(state.activeHeld, 8)
    const reserve = await db.from(`${tenant.schemaName}.voucher_reserves`).firstOrFail()
    assert.equal(reserve.places, 0)
    // Only the winners' codes were used.
    assert.equal(Number((await db.from(`${tenant.schemaName}.coupon_codes`).sum('uses as n').first()).n), 3)
  }).timeout(60_000)

  test('general and voucher buyers at once: general buyers never get the reserve; released holds refill it', async ({ client, assert }) => {
    const { tenant, sale, item, codes } = await reservedSale(client, { kind: 'none', value: 0, count: 12 })

    const buyers = Array.from({ length: 24 }, (_, n) => (n % 2 ? place(client, tenant, item, codes[n >> 1]) : place(client, tenant, item)))
    const responses = await Promise.all(buyers)
    const won = (voucher: boolean) => responses.filter((response, n) => response.status() === 201 && Boolean(n % 2) === voucher).length
    assert.isAtMost(won(false), 5)
    assert.equal(won(false) + won(true), 8)
    const quota = await db.from(`${tenant.schemaName}.quotas`).where('id', sale.quotas[0].id).firstOrFail()
    assert.deepInclude(quota, { held: 8, reserved: 0 })
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).activeHeld, 8)

    // Every order's hold released at once: the reserve is whole again, the rest back on general sale.
    const holds = await db.from(`${tenant.schemaName}.orders`).select('hold_id')
    await Promise.all(holds.map((row) => InventoryService.release(tenant, row.hold_id)))
    const after = await db.from(`${tenant.schemaName}.quotas`).where('id', sale.quotas[0].id).firstOrFail()
    assert.deepInclude(after, { held: 0, sold: 0, reserved: 3 })
    assert.equal((await db.from(`${tenant.schemaName}.voucher_reserves`).firstOrFail()).places, 3)
  }).timeout(60_000)

  test('a reserve larger than the free places is refused; lowering one gives places back', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { quotas: [{ capacity: 4 }] })
    const staff = await owner(client, tenant)
    ;(await place(client, tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }])).assertStatus(201)
    const tooMany = await staff.post('/coupons', { name: 'VIP', kind: 'none', value: 0, reserves: [{ sessionId: sale.session.id, places: 3 }] })
    tooMany.assertStatus(422)
    assert.equal(fieldOf(tooMany), 'reserves.0.places')
    assert.equal(Number((await db.from(`${tenant.schemaName}.coupon_campaigns`).count('* as n').first()).n), 0)

    const { campaign: made } = await campaign(staff, { kind: 'none', value: 0, reserves: [{ sessionId: sale.session.id, places: 2 }] })
    const lowered = await staff.put(`/coupons/${made.id}`, { reserves: [{ sessionId: sale.session.id, places: 1 }] })
    lowered.assertStatus(200)
    assert.equal(lowered.body().campaign.reserves[0].places, 1)
    assert.equal((await db.from(`${tenant.schemaName}.quotas`).where('id', sale.quotas[0].id).firstOrFail()).reserved, 1)
    const unknown = await staff.put(`/coupons/${made.id}`, { reserves: [{ sessionId: 999_999, places: 1 }] })
    unknown.assertStatus(422)
    assert.equal(fieldOf(unknown), 'reserves.0.sessionId')
    // The capacity cannot drop below what is held, sold and set aside.
    const squeeze = await staff.patch(`/quotas/${sale.quotas[0].id}`, { capacity: 2 })
    squeeze.assertStatus(409)
  })

  test('editing a campaign and adding codes, audited; a used discount stays; bad input and no permission refused', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 8000 }] })
    const staff = await owner(client, tenant)
    const { campaign: made, codes } = await campaign(staff, { kind: 'amount_off', value: 1000, code: 'EDIT-ME', usesPerCode: 2 })

    const edited = await staff.put(`/coupons/${made.id}`, { name: 'Renamed', value: 1500, usesPerCode: 3, minSpend: 5000, validUntil: '2099-01-01T00:00:00+08:00' })
    edited.assertStatus(200)
    assert.deepInclude(edited.body().campaign, { name: 'Renamed', value: 1500, usesPerCode: 3, minSpend: 5000 })
    assert.deepEqual((await staff.get(`/coupons/${made.id}/codes`)).body().codes, [{ code: codes[0], uses: 0, maxUses: 3 }])
    ;(await staff.put(`/coupons/${made.id}`, { validUntil: null })).assertStatus(200)

    ;(await place(client, tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }], 'EDIT-ME')).assertStatus(201)
    const changeUsed = await staff.put(`/coupons/${made.id}`, { value: 2000 })
    changeUsed.assertStatus(422)
    assert.equal(fieldOf(changeUsed), 'value')
    const badPercent = await staff.put(`/coupons/${made.id}`, { kind: 'percent_off' })
    badPercent.assertStatus(422)
    const badWindow = await staff.put(`/coupons/${made.id}`, { validFrom: '2030-01-02T00:00:00+08:00', validUntil: '2030-01-01T00:00:00+08:00' })
    badWindow.assertStatus(422)
    assert.equal(fieldOf(badWindow), 'validUntil')

    const one = await staff.post(`/coupons/${made.id}/codes`, { code: 'edit-two' })
    one.assertStatus(201)
    assert.deepEqual(one.body().codes, ['EDITTWO'])
    const many = await staff.post(`/coupons/${made.id}/codes`, { count: 4 })
    assert.lengthOf(many.body().codes, 4)
    const taken = await staff.post(`/coupons/${made.id}/codes`, { code: 'EDIT-ME' })
    taken.assertStatus(422)
    assert.equal(fieldOf(taken), 'code')
    const both = await staff.post(`/coupons/${made.id}/codes`, { code: 'NEW-ONE', count: 3 })
    both.assertStatus(422)
    assert.equal(fieldOf(both), 'count')
    ;(await staff.post('/coupons/999999/codes', { count: 1 })).assertStatus(404)
    ;(await staff.put('/coupons/999999', { name: 'x' })).assertStatus(404)
    const codesNow = (await staff.get(`/coupons/${made.id}/codes`)).body().codes
    assert.lengthOf(codesNow, 6)
    assert.isTrue(codesNow.every((code: any) => code.maxUses === 3))

    const actions = (await db.from(`${tenant.schemaName}.audit_logs`).where('subject_type', 'coupon_campaign').orderBy('id').select('action')).map((row) => row.action)
    assert.includeMembers(actions, ['coupon_campaign.created', 'coupon_campaign.updated', 'coupon_codes.added'])

    const email = `desk@${tenant.slug}.test`
    ;(await staff.post('/staff', { fullName: 'Desk', email, password: 'desk-shift-2024', roles: ['box_office'] })).assertStatus(201)
    const desk = await consoleAgent(client, tenant.slug, email, 'desk-shift-2024')
    ;(await desk.get('/coupons')).assertStatus(200)
    ;(await desk.put(`/coupons/${made.id}`, { name: 'Mine' })).assertStatus(403)
    ;(await desk.post(`/coupons/${made.id}/codes`, { count: 1 })).assertStatus(403)
  })
})
