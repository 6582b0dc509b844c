import { test } from '@japa/runner'
import { createHash, createHmac, randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { deliverDueWebhooks } from '#members/services/webhooks'
import type Tenant from '#tenancy/models/tenant'
import { consoleAgent, createTenant, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { quotaState, seedSale, type SaleOptions } from '#tests/helpers/catalog'
import { deviceClient } from '#tests/helpers/devices'
import { webhookReceiver, type WebhookReceiver } from '#tests/helpers/webhook_receiver'

/**
 * A distributor's system calling the API as docs/distributors.md tells it to: every request signed
 * here with node:crypto alone (HMAC-SHA256 keyed with the secret text), never with the app's code.
 */
function distributorClient(tenant: Tenant, keyId: string, secret: string) {
  const base = `http://${process.env.HOST}:${process.env.PORT}`
  const call = async (method: 'GET' | 'POST', path: string, json?: unknown, tamper: { timestamp?: number; nonce?: string; secret?: string } = {}) => {
    const pathWithQuery = `/t/${tenant.slug}/distributor/api/v1${path}`
    const body = json === undefined ? '' : JSON.stringify(json)
    const timestamp = String(tamper.timestamp ?? Math.floor(Date.now() / 1000))
    const nonce = tamper.nonce ?? randomUUID()
    const bodyHash = createHash('sha256').update(body).digest('hex')
    const signature = createHmac('sha256', tamper.secret ?? secret)
      .update(`${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${bodyHash}`)
      .digest('base64')
    const response = await fetch(`${base}${pathWithQuery}`, {
      method,
      headers: {
        'content-type': 'application/json',
        'accept': 'application/json',
        'authorization': `TESSERA-DISTRIBUTOR keyId="${keyId}",timestamp="${timestamp}",nonce="${nonce}",signature="${signature}"`,
      },
      body: method === 'GET' ? undefined : body,
    })
    const text = await response.text()
    return { status: response.status, text, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null }
  }
  return { call }
}

interface VenueOptions extends SaleOptions {
  settlement?: number
  deposit?: number
  callbackUrl?: string
}

/** A venue selling one product, with a distributor authorised for it at a settlement price and a deposit. */
async function distributorVenue(client: ApiClient, options: VenueOptions = {}) {
  const { tenant } = await createTenant()
  const sale = await seedSale(tenant, { products: [{ price: 8000 }], quotas: [{ capacity: 100 }], ...options })
  const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, OWNER_PASSWORD)
  const created = await owner.post('/distributors', { name: '飞猪 Fliggy', contactName: '李四', contactPhone: '13900001111', callbackUrl: options.callbackUrl ?? null })
  created.assertStatus(201)
  const { distributor, secret } = created.body()
  ;(await owner.put(`/distributors/${distributor.id}/products/${sale.products[0].id}`, { settlementPrice: options.settlement ?? 6000 })).assertStatus(200)
  if (options.deposit !== 0) {
    ;(await owner.post(`/distributors/${distributor.id}/deposit`, { amount: options.deposit ?? 100_000, reference: 'BANK-0001' })).assertStatus(201)
  }
  const api = distributorClient(tenant, distributor.keyId, secret)
  const item = (quantity = 1) => ({ productId: sale.products[0].id, sessionId: sale.session.id, quantity })
  const order = (orderNo: string, quantity = 1) => api.call('POST', '/orders', { orderNo, items: [item(quantity)], contact: { name: '游客', phone: '13800001234' } })
  return { tenant, sale, owner, distributor, secret, api, item, order }
}

const ledger = (tenant: Tenant) => db.from(`${tenant.schemaName}.distributor_ledger`).orderBy('id')
const balance = async (tenant: Tenant, id: number) => Number((await db.from(`${tenant.schemaName}.distributors`).where('id', id).first()).balance)
const orders = (tenant: Tenant) => db.from(`${tenant.schemaName}.orders`).orderBy('id')
const audits = (tenant: Tenant, action: string) => db.from(`${tenant.schemaName}.audit_logs`).where('action', action).orderBy('id')

test.group('Distributors: authorisation and settlement prices', () => {
  test('a settlement price above the sale price is refused; at or below it is authorised and audited', async ({ client, assert }) => {
    const { owner, distributor, sale, tenant } = await distributorVenue(client)
    const productId = sale.products[0].id

    const above = await owner.put(`/distributors/${distributor.id}/products/${productId}`, { settlementPrice: 8001 })
    above.assertStatus(422)
    assert.equal(above.body().errors[0].code, 'E_SETTLEMENT_ABOVE_PRICE')
    const kept = (await owner.get(`/distributors/${distributor.id}`)).body().distributor.products
    assert.deepEqual(kept.map((p: any) => [p.productId, p.settlementPrice]), [[productId, 6000]])

    const equal = await owner.put(`/distributors/${distributor.id}/products/${productId}`, { settlementPrice: 8000 })
    equal.assertStatus(200)
    assert.deepInclude(equal.body().product, { productId, settlementPrice: 8000, salePrice: 8000, daysBelowSettlement: [] })
    const [, changed] = await audits(tenant, 'distributor.product_authorised')
    assert.deepEqual(changed.before, { productId, settlementPrice: 6000 })
    assert.deepEqual(changed.after, { productId, settlementPrice: 8000 })

    ;(await owner.delete(`/distributors/${distributor.id}/products/${productId}`)).assertStatus(204)
    assert.lengthOf(await audits(tenant, 'distributor.product_revoked'), 1)
  })

  test('an order for a day whose sale price fell below the settlement price is refused: nothing held, nothing debited', async ({ client, assert }) => {
    const venue = await distributorVenue(client, { settlement: 6000 })
    const { tenant, sale } = venue
    // A promotion for the session's day, made after the authorisation.
    const day = sale.session.startsAt.setZone('Asia/Shanghai').toISODate()
    await db.table(`${tenant.schemaName}.price_rules`).insert({ product_id: sale.products[0].id, date_from: day, date_to: day, price: 5000, created_at: new Date(), updated_at: new Date() })

    const sessions = await venue.api.call('GET', `/products/${sale.products[0].id}/sessions?from=${day}&to=${day}`)
    assert.equal(sessions.status, 200)
    assert.deepInclude(sessions.body.sessions[0], { id: sale.session.id, salePrice: 5000, settlementPrice: 6000, sellable: false })

    const refused = await venue.order('FLIGGY-PROMO-1', 2)
    assert.equal(refused.status, 422)
    assert.equal(refused.body.errors[0].code, 'E_SETTLEMENT_ABOVE_PRICE')
    assert.deepInclude(refused.body.errors[0], { salePrice: 5000, settlementPrice: 6000 })
    assert.deepInclude(await quotaState(tenant, sale.quotas[0].id), { held: 0, sold: 0, activeHeld: 0 })
    assert.lengthOf(await orders(tenant), 0)
    assert.equal(await balance(tenant, venue.distributor.id), 100_000)
  })

  test('products list only what is authorised, with settlement prices; another product is not theirs', async ({ client, assert }) => {
    const venue = await distributorVenue(client, { products: [{ price: 8000 }, { price: 3000 }] })
    const listed = await venue.api.call('GET', '/products')
    assert.equal(listed.status, 200)
    assert.deepEqual(listed.body.products.map((p: any) => [p.id, p.basePrice, p.settlementPrice]), [[venue.sale.products[0].id, 8000, 6000]])

    const other = await venue.api.call('POST', '/orders', {
      orderNo: 'FLIGGY-OTHER-1',
      items: [{ productId: venue.sale.products[1].id, sessionId: venue.sale.session.id, quantity: 1 }],
      contact: { phone: '13800001234' },
    })
    assert.equal(other.status, 422)
    assert.deepInclude(other.body.errors[0], { code: 'E_PRODUCT_NOT_AUTHORISED', field: 'items.0.productId' })
    assert.deepInclude(await quotaState(venue.tenant, venue.sale.quotas[0].id), { held: 0, sold: 0 })
    const account = await venue.api.call('GET', '/account')
    assert.deepInclude(account.body.account, { balance: 100_000, status: 'active' })
  })
})

test.group('Distributors: signed API', () => {
  test('a bad signature, a stale timestamp and a replayed nonce are refused and audited', async ({ client, assert }) => {
    const { api, tenant, distributor } = await distributorVenue(client)

    const unsigned = await fetch(`http://${process.env.HOST}:${process.env.PORT}/t/${tenant.slug}/distributor/api/v1/products`)
    assert.equal(unsigned.status, 401)

    const forged = await api.call('GET', '/products', undefined, { secret: 'dsk_not-the-secret' })
    assert.equal(forged.status, 401)
    assert.deepInclude(forged.body.errors[0], { code: 'E_DISTRIBUTOR_UNAUTHORIZED', reason: 'bad_signature' })

    const stale = await api.call('GET', '/products', undefined, { timestamp: Math.floor(Date.now() / 1000) - 600 })
    assert.equal(stale.status, 401)
    assert.equal(stale.body.errors[0].reason, 'stale')

    const nonce = randomUUID()
    assert.equal((await api.call('GET', '/products', undefined, { nonce })).status, 200)
    const replayed = await api.call('GET', '/products', undefined, { nonce })
    assert.equal(replayed.status, 401)
    assert.equal(replayed.body.errors[0].reason, 'replayed')

    const refused = await audits(tenant, 'distributor.request_refused')
    assert.deepEqual(refused.map((row) => [row.outcome, row.actor_type, row.meta.reason]), [
      ['denied', 'distributor', 'bad_signature'],
      ['denied', 'distributor', 'stale'],
      ['denied', 'distributor', 'replayed'],
    ])
    assert.isTrue(refused.every((row) => row.subject_id === String(distributor.id)))
  })

  test('a tampered body is refused; a suspended distributor is refused; a rotated key replaces the old one', async ({ client, assert }) => {
    const venue = await distributorVenue(client)
    const { tenant, owner, distributor } = venue
    const path = `/t/${tenant.slug}/distributor/api/v1/orders`
    const body = JSON.stringify({ orderNo: 'T-1', items: [venue.item()], contact: { phone: '13800001234' } })
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = randomUUID()
    const signature = createHmac('sha256', venue.secret)
      .update(`POST\n${path}\n${timestamp}\n${nonce}\n${createHash('sha256').update(body).digest('hex')}`)
      .digest('base64')
    const tampered = await fetch(`http://${process.env.HOST}:${process.env.PORT}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `TESSERA-DISTRIBUTOR keyId="${distributor.keyId}",timestamp="${timestamp}",nonce="${nonce}",signature="${signature}"` },
      body: body.replace('"quantity":1', '"quantity":9'),
    })
    assert.equal(tampered.status, 401)
    assert.lengthOf(await orders(tenant), 0)

    ;(await owner.patch(`/distributors/${distributor.id}`, { status: 'suspended' })).assertStatus(200)
    const suspended = await venue.order('T-2')
    assert.equal(suspended.status, 403)
    assert.equal(suspended.body.errors[0].code, 'E_DISTRIBUTOR_SUSPENDED')
    ;(await owner.patch(`/distributors/${distributor.id}`, { status: 'active' })).assertStatus(200)
    assert.deepEqual((await audits(tenant, 'distributor.suspended')).length, 1)

    const rotated = (await owner.post(`/distributors/${distributor.id}/rotate-key`)).body()
    assert.notEqual(rotated.distributor.keyId, distributor.keyId)
    assert.equal((await venue.api.call('GET', '/products')).status, 401)
    const renewed = distributorClient(tenant, rotated.distributor.keyId, rotated.secret)
    assert.equal((await renewed.call('GET', '/products')).status, 200)
  })
})

test.group('Distributors: orders on credit', () => {
  test('an order is issued at once at the settlement price, debited once, and answered again for the same number', async ({ client, assert }) => {
    const venue = await distributorVenue(client, { settlement: 6000, deposit: 50_000 })
    const { tenant, distributor } = venue

    const first = await venue.order('FLIGGY-20261125-0001', 2)
    assert.equal(first.status, 201)
    const order = first.body.order
    assert.deepInclude(order, { status: 'issued', salesChannel: 'distributor', totalAmount: 12_000, paidAmount: 12_000, distributorOrderNo: 'FLIGGY-20261125-0001' })
    assert.lengthOf(order.tickets, 2)
    assert.isTrue(order.tickets.every((t: any) => t.status === 'valid' && typeof t.code === 'string' && t.price === 6000))

    const again = await venue.order('FLIGGY-20261125-0001', 2)
    assert.equal(again.status, 200)
    assert.isTrue(again.body.replayed)
    assert.equal(again.body.order.number, order.number)

    const otherBody = await venue.order('FLIGGY-20261125-0001', 3)
    assert.equal(otherBody.status, 409)
    assert.deepInclude(otherBody.body.errors[0], { code: 'E_ORDER_NO_REUSED', field: 'orderNo' })

    assert.lengthOf(await orders(tenant), 1)
    const moves = await ledger(tenant)
    assert.deepEqual(moves.map((m) => [m.kind, Number(m.amount), Number(m.balance_after)]), [['top_up', 50_000, 50_000], ['order', -12_000, 38_000]])
    assert.equal(await balance(tenant, distributor.id), 38_000)
    assert.deepInclude(await quotaState(tenant, venue.sale.quotas[0].id), { held: 0, sold: 2 })

    const shown = await venue.api.call('GET', '/orders/FLIGGY-20261125-0001')
    assert.equal(shown.status, 200)
    assert.equal(shown.body.order.number, order.number)
    assert.deepEqual(shown.body.order.checkins, [])
    assert.equal((await venue.api.call('GET', '/orders/NOT-OURS')).status, 404)
  })

  test('10 parallel requests with one order number make one order and one debit', async ({ client, assert }) => {
    const venue = await distributorVenue(client, { settlement: 6000, deposit: 50_000 })
    const answers = await Promise.all(Array.from({ length: 10 }, () => venue.order('CTRIP-RACE-1', 2)))
    assert.deepEqual([...new Set(answers.map((a) => a.status))].sort(), [200, 201])
    assert.equal(answers.filter((a) => a.status === 201).length, 1)
    assert.lengthOf(new Set(answers.map((a) => a.body.order.number)), 1)

    assert.lengthOf(await orders(venue.tenant), 1)
    assert.lengthOf((await ledger(venue.tenant)).filter((m) => m.kind === 'order'), 1)
    assert.equal(await balance(venue.tenant, venue.distributor.id), 38_000)
    // The losers gave their holds back.
    assert.deepInclude(await quotaState(venue.tenant, venue.sale.quotas[0].id), { held: 0, sold: 2, activeHeld: 0 })
  })

  test('a deposit short of the order refuses it: no order, no hold left, balance unchanged', async ({ client, assert }) => {
    const venue = await distributorVenue(client, { settlement: 6000, deposit: 10_000 })
    const short = await venue.order('MEITUAN-1', 2)
    assert.equal(short.status, 402)
    assert.deepInclude(short.body.errors[0], { code: 'E_DEPOSIT_SHORT', balance: 10_000, required: 12_000 })
    assert.lengthOf(await orders(venue.tenant), 0)
    assert.deepInclude(await quotaState(venue.tenant, venue.sale.quotas[0].id), { held: 0, sold: 0, activeHeld: 0 })
    assert.equal(await balance(venue.tenant, venue.distributor.id), 10_000)
    assert.lengthOf(await ledger(venue.tenant), 1)

    // Topped up, the same number goes through.
    ;(await venue.owner.post(`/distributors/${venue.distributor.id}/deposit`, { amount: 2000, reference: 'BANK-0002' })).assertStatus(201)
    assert.equal((await venue.order('MEITUAN-1', 2)).status, 201)
    assert.equal(await balance(venue.tenant, venue.distributor.id), 0)
    // A withdrawal never takes the deposit below zero.
    const over = await venue.owner.post(`/distributors/${venue.distributor.id}/deposit`, { amount: -1, reference: 'BANK-0003' })
    over.assertStatus(402)
  })

  test('a refund follows the product rules and credits the deposit with the settlement price less the fee', async ({ client, assert }) => {
    const venue = await distributorVenue(client, { settlement: 6000, deposit: 50_000 })
    await db.from(`${venue.tenant.schemaName}.products`).update({ refund_tiers: JSON.stringify([{ hoursBefore: 2, feePercent: 10 }]) })
    const placed = (await venue.order('FLIGGY-R-1', 2)).body.order
    const [first] = placed.tickets

    const refunded = await venue.api.call('POST', '/orders/FLIGGY-R-1/refunds', { ticketIds: [first.id], reason: 'plans changed' })
    assert.equal(refunded.status, 201)
    assert.deepInclude(refunded.body.refund, { status: 'succeeded', amount: 5400, fee: 600, ticketIds: [first.id] })
    assert.equal(refunded.body.balance, 50_000 - 12_000 + 5400)
    assert.equal(refunded.body.order.status, 'partially_refunded')
    assert.equal(refunded.body.order.tickets.find((t: any) => t.id === first.id).status, 'refunded')
    assert.isNull(refunded.body.order.tickets.find((t: any) => t.id === first.id).code)

    const again = await venue.api.call('POST', '/orders/FLIGGY-R-1/refunds', { ticketIds: [first.id] })
    assert.equal(again.status, 422)
    assert.equal(again.body.errors[0].code, 'E_TICKET_NOT_REFUNDABLE')
    const moves = await ledger(venue.tenant)
    assert.deepEqual(moves.map((m) => [m.kind, Number(m.amount)]), [['top_up', 50_000], ['order', -12_000], ['refund', 5400]])
    assert.deepInclude(await quotaState(venue.tenant, venue.sale.quotas[0].id), { sold: 1 })
  })

  test('distributor and visitor sales share one quota and never exceed it', async ({ client, assert }) => {
    const venue = await distributorVenue(client, { quotas: [{ capacity: 10 }], settlement: 6000, deposit: 1_000_000 })
    const { tenant, sale } = venue
    const visitor = (n: number) =>
      client
        .post(`/t/${tenant.slug}/api/orders`)
        .header('Idempotency-Key', `visitor-${n}-${randomUUID()}`)
        .json({ items: [venue.item()], contact: { phone: '13700001111' } })
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, n) => venue.order(`SHARED-${n}`).then((a) => ({ channel: 'distributor', status: a.status }))),
      ...Array.from({ length: 8 }, (_, n) => visitor(n).then((a) => ({ channel: 'visitor', status: a.status() }))),
    ])
    const placed = answers.filter((a) => a.status === 201)
    assert.lengthOf(placed, 10)
    assert.isTrue(answers.filter((a) => a.status !== 201).every((a) => a.status === 409))
    const quota = await quotaState(tenant, sale.quotas[0].id)
    assert.equal(quota.held + quota.sold, 10)
    const sold = placed.filter((a) => a.channel === 'distributor').length
    assert.equal(quota.sold, sold)
    assert.equal(await balance(tenant, venue.distributor.id), 1_000_000 - sold * 6000)
  })
})

test.group('Distributors: check-in callbacks and statements', (group) => {
  let hook: WebhookReceiver | undefined
  group.each.teardown(() => hook?.close())

  test('a check-in of a distributor ticket is called back, signed with its secret; the venue list does not show its endpoint', async ({ client, assert }) => {
    hook = await webhookReceiver({ path: '/tessera' })
    const venue = await distributorVenue(client, { callbackUrl: hook.url, settlement: 6000 })
    hook.useSecret(venue.secret)
    const { tenant, sale, owner } = venue
    await db.from(`${tenant.schemaName}.sessions`).update({ starts_at: new Date(Date.now() - 10 * 60_000), ends_at: new Date(Date.now() + 2 * 3_600_000) })
    const [ticket] = (await venue.order('FLIGGY-GATE-1')).body.order.tickets

    const gate = (await owner.post('/devices', { name: 'East gate', kind: 'gate', siteId: sale.site.id })).body()
    const scanned = await deviceClient(tenant, { keyId: gate.device.keyId, secret: gate.secret }).scan({ code: ticket.code })
    assert.equal(scanned.body.answer.result, 'admitted')

    assert.deepEqual(await deliverDueWebhooks(tenant), { delivered: 1, failed: 0 })
    assert.lengthOf(hook.received, 1)
    const [notice] = hook.received
    assert.isTrue(notice.verified)
    assert.equal(notice.eventType, 'ticket.checked_in')
    assert.deepInclude(notice.body.data, { ticketId: ticket.id, distributorOrderNo: 'FLIGGY-GATE-1', people: 1 })

    const shown = (await venue.api.call('GET', '/orders/FLIGGY-GATE-1')).body.order
    assert.deepEqual(shown.checkins.map((c: any) => [c.ticketId, c.direction]), [[ticket.id, 'entry']])
    assert.equal(shown.tickets[0].status, 'used')
    assert.deepEqual((await owner.get('/webhooks')).body().endpoints, [])
    const log = (await owner.get(`/distributors/${venue.distributor.id}/callbacks`)).body().deliveries
    assert.deepEqual(log.map((d: any) => [d.eventType, d.status]), [['ticket.checked_in', 'delivered']])

    // A rotated key signs the next notices with the new secret.
    const rotated = (await owner.post(`/distributors/${venue.distributor.id}/rotate-key`)).body()
    hook.useSecret(rotated.secret)
    await db.from(`${tenant.schemaName}.webhook_deliveries`).update({ status: 'pending', next_attempt_at: new Date() })
    assert.deepEqual(await deliverDueWebhooks(tenant), { delivered: 1, failed: 0 })
    assert.isTrue(hook.received[1].verified)
  })

  test('the statement shows the orders, refunds and deposit movements, and its totals equal the ledger', async ({ client, assert }) => {
    const venue = await distributorVenue(client, { settlement: 6000, deposit: 50_000 })
    const { tenant, owner, distributor } = venue
    assert.equal((await venue.order('S-1', 2)).status, 201)
    assert.equal((await venue.order('S-2', 1)).status, 201)
    assert.equal((await venue.api.call('POST', '/orders/S-2/refunds', {})).status, 201)
    ;(await owner.post(`/distributors/${distributor.id}/deposit`, { amount: 5000, reference: 'BANK-0009', note: 'second transfer' })).assertStatus(201)

    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
    const answer = await owner.get(`/distributors/${distributor.id}/statement?from=${today}&to=${today}`)
    answer.assertStatus(200)
    const statement = answer.body().statement
    const rows = await ledger(tenant)
    const sum = (kind: string) => rows.filter((m) => m.kind === kind).reduce((total, m) => total + Number(m.amount), 0)
    assert.equal(statement.openingBalance, 0)
    assert.equal(statement.closingBalance, await balance(tenant, distributor.id))
    assert.equal(statement.openingBalance + statement.totals.net, statement.closingBalance)
    assert.deepEqual(statement.totals, {
      orders: 2,
      tickets: 3,
      settlementAmount: -sum('order'),
      refundedAmount: sum('refund'),
      refundFees: 0,
      topUps: sum('top_up'),
      withdrawals: 0,
      net: rows.reduce((total, m) => total + Number(m.amount), 0),
    })
    assert.equal(statement.totals.settlementAmount, 18_000)
    assert.equal(statement.totals.refundedAmount, 6000)
    assert.deepEqual(statement.orders.map((o: any) => [o.distributorOrderNo, o.tickets, o.settlementAmount]), [['S-1', 2, 12_000], ['S-2', 1, 6000]])
    assert.deepEqual(statement.refunds.map((r: any) => [r.distributorOrderNo, r.credited]), [['S-2', 6000]])
    assert.lengthOf(statement.movements, rows.length)

    // Yesterday: nothing moved, and its closing balance is today's opening one.
    const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10)
    const before = (await owner.get(`/distributors/${distributor.id}/statement?from=${yesterday}&to=${yesterday}`)).body().statement
    assert.deepInclude(before, { openingBalance: 0, closingBalance: 0 })
    assert.lengthOf(before.movements, 0)

    const csv = await owner.get(`/distributors/${distributor.id}/statement?from=${today}&to=${today}&format=csv`)
    csv.assertStatus(200)
    assert.include(csv.header('content-type'), 'text/csv')
    const lines = csv.text().replace(/^\ufeff/, '').trim().split('\r\n')
    assert.equal(lines[0], 'at,kind,order,distributor_order_no,amount_fen,balance_after_fen,reference,note')
    assert.lengthOf(lines, rows.length + 3)
    assert.match(lines[1], /opening_balance,,,,0,/)
    assert.match(lines[lines.length - 1], new RegExp(`closing_balance,,,,${statement.closingBalance},`))

    assert.lengthOf(await audits(tenant, 'distributor.deposit_top_up'), 2)
  })
})
