/*
 * Orders paid, refunded and changed through each channel's sandbox, over HTTP, with the real
 * SDKs and signatures: notifications duplicated, delayed, dropped, forged and tampered with.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import InventoryService from '#inventory/services/inventory_service'
import PaymentService from '#payments/services/payment_service'
import RefundService from '#orders/services/refund_service'
import type { ChannelKind } from '#payments/channel'
import { laterSession, quotaState } from '#tests/helpers/catalog'
import { deliveries, eventually, notificationLog, payableVenue, placeOrder, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import type Tenant from '#tenancy/models/tenant'

const CHANNELS: ChannelKind[] = ['wechat_pay', 'alipay', 'unionpay']

/** Channel-specific ways a notification can be bad, and the reason it must be refused for. */
const FORGERIES: Record<ChannelKind, [Record<string, unknown>, string][]> = {
  wechat_pay: [
    [{ badSignature: true }, 'signature'],
    [{ alterAmount: 1 }, 'amount'],
    [{ badTag: true }, 'decrypt'],
    [{ staleTimestamp: true }, 'timestamp'],
    [{ signtest: true }, 'probe'],
  ],
  alipay: [
    [{ badSignature: true }, 'signature'],
    [{ alterAmount: 1 }, 'amount'],
    [{ staleTimestamp: true }, 'timestamp'],
  ],
  unionpay: [
    [{ badSignature: true }, 'signature'],
    [{ alterAmount: 1 }, 'amount'],
  ],
}

const paidEvents = (order: any) => order.timeline.filter((event: any) => event.type === 'paid').length

async function expireNow(tenant: Tenant, number: string) {
  const past = new Date(Date.now() - 1_000)
  const order = await db.from(`${tenant.schemaName}.orders`).where('number', number).firstOrFail()
  await db.from(`${tenant.schemaName}.orders`).where('id', order.id).update({ expires_at: past })
  await db.from(`${tenant.schemaName}.holds`).where('id', order.hold_id).update({ expires_at: past })
}

/** Another session of the same product, `hoursLater` after the first, at its own price if given. */
async function addSession(tenant: Tenant, sale: Awaited<ReturnType<typeof payableVenue>>, hoursLater: number, price?: number) {
  const later = await laterSession(tenant, sale, { hoursLater, capacity: 10 })
  if (price !== undefined) {
    await db.table(`${tenant.schemaName}.price_rules`).insert({ product_id: sale.products[0].id, session_id: later.id, day_kind: 'any', price, created_at: new Date(), updated_at: new Date() })
  }
  return { sessionId: later.id, quotaId: later.quotaId }
}

for (const kind of CHANNELS) {
  test.group(`Paying an order with ${kind}`, () => {
    test('paid once however many notifications arrive', async ({ client, assert }) => {
      const sale = await payableVenue([kind], { quotas: [{ capacity: 5 }] })
      const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }])
      const payment = await startPayment(client, sale.tenant, order.number, accessToken, kind)
      assert.equal(payment.amount, 16000)
      await settle(kind, payment.merchantId, payment.outTradeNo, 'pay', { duplicates: 3 })

      const paid = await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')
      await eventually(() => deliveries(kind), (list) => list.filter((d) => d.subject.includes(payment.outTradeNo) && d.accepted).length === 4)
      const after = await viewOrder(client, sale.tenant, order.number, accessToken)
      assert.equal(paidEvents(after), 1)
      assert.equal(after.paidAmount, 16000)
      assert.deepEqual(after.tickets.map((t: any) => t.status), ['valid', 'valid'])
      assert.deepEqual(paid.payments.map((p: any) => p.status), ['paid'])
      assert.deepInclude(await quotaState(sale.tenant, sale.quotas[0].id), { held: 0, sold: 2 })
      assert.isTrue((await notificationLog(sale.tenant)).every((entry) => entry.accepted))
    })

    test('a forged or tampered notification changes nothing; querying the channel finds the truth', async ({ client, assert }) => {
      const sale = await payableVenue([kind], { quotas: [{ capacity: 20 }] })
      for (const [faults, reason] of FORGERIES[kind]) {
        const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
        const payment = await startPayment(client, sale.tenant, order.number, accessToken, kind)
        await settle(kind, payment.merchantId, payment.outTradeNo, 'pay', faults)
        const sent = await eventually(() => deliveries(kind), (list) => list.some((d) => d.subject.includes(payment.outTradeNo) && d.status !== null))
        assert.isFalse(sent.find((d) => d.subject.includes(payment.outTradeNo))!.accepted, `${JSON.stringify(faults)} must be refused`)
        const log = await notificationLog(sale.tenant)
        assert.isTrue(log.some((entry) => !entry.accepted && entry.reason === reason), `${JSON.stringify(faults)} must be refused as ${reason}`)
        assert.equal((await viewOrder(client, sale.tenant, order.number, accessToken)).status, 'pending_payment')
      }
      const audit = await db.from(`${sale.tenant.schemaName}.audit_logs`).where('action', 'payment.notification_rejected').count('* as n')
      assert.isAtLeast(Number(audit[0].n), FORGERIES[kind].length)

      // The payments were made: the query job learns it from the channel itself.
      await PaymentService.for(sale.tenant).queryDue({ all: true })
      const orders = await db.from(`${sale.tenant.schemaName}.orders`).select('status')
      assert.deepEqual([...new Set(orders.map((o) => o.status))], ['issued'])
    })

    test('a notification that never comes is recovered by querying', async ({ client, assert }) => {
      const sale = await payableVenue([kind])
      const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
      const payment = await startPayment(client, sale.tenant, order.number, accessToken, kind)
      await settle(kind, payment.merchantId, payment.outTradeNo, 'pay', { drop: true })
      assert.equal((await viewOrder(client, sale.tenant, order.number, accessToken)).status, 'pending_payment')
      // Not due yet: the first query waits for the notification a little.
      assert.equal(await PaymentService.for(sale.tenant).queryDue(), 0)
      await db.from(`${sale.tenant.schemaName}.payments`).update({ next_query_at: new Date(Date.now() - 1000) })
      assert.equal(await PaymentService.for(sale.tenant).queryDue(), 1)
      const paid = await viewOrder(client, sale.tenant, order.number, accessToken)
      assert.equal(paid.status, 'issued')
      assert.deepInclude(paid.timeline.find((event: any) => event.type === 'paid'), { actorType: 'system' })
    })

    test('a payment notification arriving after its refund changes nothing', async ({ client, assert }) => {
      const sale = await payableVenue([kind])
      const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
      const payment = await startPayment(client, sale.tenant, order.number, accessToken, kind)
      await settle(kind, payment.merchantId, payment.outTradeNo, 'pay', { delayMs: 1_500 })
      await PaymentService.for(sale.tenant).queryDue({ all: true })
      ;(await client.post(`/t/${sale.tenant.slug}/api/orders/${order.number}/refunds`).header('X-Order-Token', accessToken).json({ reason: 'plans changed' })).assertStatus(201)
      await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'refunded')

      await eventually(() => deliveries(kind), (list) => list.some((d) => d.subject.includes(payment.outTradeNo) && d.faults.delayMs && d.accepted))
      const after = await viewOrder(client, sale.tenant, order.number, accessToken)
      assert.equal(after.status, 'refunded')
      assert.equal(paidEvents(after), 1)
      assert.deepEqual(after.tickets.map((t: any) => t.status), ['refunded'])
      assert.deepInclude(await quotaState(sale.tenant, sale.quotas[0].id), { held: 0, sold: 0 })
    })

    test('an order paid after it expired: held again when its places are free, refunded when not', async ({ client, assert }) => {
      const sale = await payableVenue([kind], { quotas: [{ capacity: 2 }] })
      const item = { productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }

      // 1. The visitor paid as time ran out and the notification was lost: closing finds it paid.
      const first = await placeOrder(client, sale.tenant, [item])
      const firstPayment = await startPayment(client, sale.tenant, first.order.number, first.accessToken, kind)
      await settle(kind, firstPayment.merchantId, firstPayment.outTradeNo, 'pay', { drop: true })
      await expireNow(sale.tenant, first.order.number)
      await InventoryService.expire(sale.tenant)
      await PaymentService.for(sale.tenant).expireOverdue()
      const late = await viewOrder(client, sale.tenant, first.order.number, first.accessToken)
      assert.equal(late.status, 'issued')
      assert.isTrue(late.timeline.find((event: any) => event.type === 'paid').data.late)
      assert.deepInclude(await quotaState(sale.tenant, sale.quotas[0].id), { held: 0, sold: 2 })

      // 2. Same, but someone else bought the places meanwhile: the money goes back by itself.
      ;(await client.post(`/t/${sale.tenant.slug}/api/orders/${first.order.number}/refunds`).header('X-Order-Token', first.accessToken).json({})).assertStatus(201)
      await eventually(() => viewOrder(client, sale.tenant, first.order.number, first.accessToken), (o) => o.status === 'refunded')
      const second = await placeOrder(client, sale.tenant, [item])
      const secondPayment = await startPayment(client, sale.tenant, second.order.number, second.accessToken, kind)
      await settle(kind, secondPayment.merchantId, secondPayment.outTradeNo, 'pay', { drop: true })
      await expireNow(sale.tenant, second.order.number)
      await InventoryService.expire(sale.tenant)
      await placeOrder(client, sale.tenant, [item]) // takes the last places (unpaid, but held)
      await PaymentService.for(sale.tenant).expireOverdue()
      const refunded = await eventually(
        () => viewOrder(client, sale.tenant, second.order.number, second.accessToken),
        (o) => o.refunds.length === 1 && o.refunds[0].status === 'succeeded'
      )
      assert.equal(refunded.status, 'expired')
      assert.deepInclude(refunded.refunds[0], { kind: 'surplus', amount: 16000 })
      assert.deepEqual(refunded.payments.map((p: any) => [p.status, p.surplus]), [['paid', true]])
      assert.deepInclude(await quotaState(sale.tenant, sale.quotas[0].id), { held: 2, sold: 0 })
    })

    test('refunds: some tickets, then the rest, never more than was paid', async ({ client, assert }) => {
      const sale = await payableVenue([kind], { quotas: [{ capacity: 5 }] })
      // 10% fee until an hour before the start (the session starts in 24 h).
      await db.from(`${sale.tenant.schemaName}.products`).update({ refund_tiers: JSON.stringify([{ hoursBefore: 1, feePercent: 10 }]) })
      const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }])
      const payment = await startPayment(client, sale.tenant, order.number, accessToken, kind)
      await settle(kind, payment.merchantId, payment.outTradeNo)
      const paid = await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')
      const [one, two] = paid.tickets.map((t: any) => t.id)
      const api = (path: string) => `/t/${sale.tenant.slug}/api/orders/${order.number}/${path}`

      const quote = await client.get(api(`refund-quote?ticketIds=${one}`)).header('X-Order-Token', accessToken)
      assert.deepInclude(quote.body().quote, { allowed: true, amount: 7200, fee: 800 })
      ;(await client.post(api('refunds')).header('X-Order-Token', accessToken).json({ ticketIds: [one], reason: 'one of us is ill' })).assertStatus(201)
      const partly = await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'partially_refunded')
      assert.deepEqual(partly.tickets.map((t: any) => t.status), ['refunded', 'valid'])
      assert.deepInclude(await quotaState(sale.tenant, sale.quotas[0].id), { sold: 1 })

      const again = await client.post(api('refunds')).header('X-Order-Token', accessToken).json({ ticketIds: [one] })
      again.assertStatus(422)
      assert.equal(again.body().errors[0].code, 'E_TICKET_NOT_REFUNDABLE')

      ;(await client.post(api('refunds')).header('X-Order-Token', accessToken).json({ ticketIds: [two] })).assertStatus(201)
      const all = await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'refunded')
      assert.equal(all.refundedAmount, 14400)
      assert.isAtMost(all.refundedAmount, all.paidAmount)
      assert.deepEqual(all.refunds.map((r: any) => [r.amount, r.fee, r.status]), [[7200, 800, 'succeeded'], [7200, 800, 'succeeded']])
      ;(await client.post(api('refunds')).header('X-Order-Token', accessToken).json({})).assertStatus(409)
      assert.deepInclude(await quotaState(sale.tenant, sale.quotas[0].id), { sold: 0, held: 0 })
      assert.equal(await RefundService.for(sale.tenant).queryDue({ all: true }), 0)
    })

    test('a change of date pays the difference, or gets it back', async ({ client, assert }) => {
      const sale = await payableVenue([kind], { quotas: [{ capacity: 5 }] })
      await db.from(`${sale.tenant.schemaName}.products`).update({ changeable: true })
      const dearer = await addSession(sale.tenant, sale, 24, 10000)
      const cheaper = await addSession(sale.tenant, sale, 48, 5000)
      const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
      const payment = await startPayment(client, sale.tenant, order.number, accessToken, kind)
      await settle(kind, payment.merchantId, payment.outTradeNo)
      await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')
      const api = (path: string) => `/t/${sale.tenant.slug}/api/orders/${order.number}/${path}`

      const quote = await client.get(api(`change-quote?toSessionId=${dearer.sessionId}`)).header('X-Order-Token', accessToken)
      assert.equal(quote.body().quote.difference, 2000)
      const asked = await client.post(api('changes')).header('X-Order-Token', accessToken).json({ toSessionId: dearer.sessionId })
      asked.assertStatus(201)
      const change = asked.body().change
      assert.deepInclude(change, { status: 'awaiting_payment', difference: 2000 })
      const differencePayment = await startPayment(client, sale.tenant, order.number, accessToken, kind, `changes/${change.id}/payments`)
      assert.equal(differencePayment.amount, 2000)
      await settle(kind, differencePayment.merchantId, differencePayment.outTradeNo)
      const moved = await eventually(
        () => viewOrder(client, sale.tenant, order.number, accessToken),
        (o) => o.tickets.some((t: any) => t.status === 'valid' && t.session.id === dearer.sessionId)
      )
      assert.deepEqual(moved.tickets.map((t: any) => [t.status, t.price]), [['changed', 8000], ['valid', 10000]])
      assert.equal(moved.paidAmount, 10000)
      assert.deepInclude(await quotaState(sale.tenant, sale.quotas[0].id), { sold: 0 })
      assert.deepInclude(await quotaState(sale.tenant, dearer.quotaId), { sold: 1, held: 0 })

      // Cheaper: done at once, the difference refunded to the channel it came from.
      const down = await client.post(api('changes')).header('X-Order-Token', accessToken).json({ toSessionId: cheaper.sessionId })
      down.assertStatus(201)
      assert.deepInclude(down.body().change, { status: 'completed', difference: -5000 })
      const back = await eventually(
        () => viewOrder(client, sale.tenant, order.number, accessToken),
        (o) => o.refunds.some((r: any) => r.kind === 'change' && r.status === 'succeeded')
      )
      assert.deepEqual(back.tickets.map((t: any) => t.status), ['changed', 'changed', 'valid'])
      assert.equal(back.refundedAmount, 5000)
      assert.equal(back.status, 'issued')
      assert.deepInclude(await quotaState(sale.tenant, cheaper.quotaId), { sold: 1 })
      assert.deepInclude(await quotaState(sale.tenant, dearer.quotaId), { sold: 0 })
      assert.includeMembers(back.timeline.map((e: any) => e.type), ['change_requested', 'change_awaiting_payment', 'changed'])
    })
  })
}

test.group('Starting and ending payments', () => {
  test('what a payment needs is checked before anything is asked of the channel', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay'])
    const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
    const pay = (json: Record<string, unknown>) => client.post(`/t/${sale.tenant.slug}/api/orders/${order.number}/payments`).header('X-Order-Token', accessToken).json(json)

    const cases: [Record<string, unknown>, number, string][] = [
      [{ channel: 'wechat_pay', method: 'jsapi' }, 422, 'openid'],
      [{ channel: 'wechat_pay', method: 'wap' }, 422, 'method'],
      [{ channel: 'paypal', method: 'native' }, 422, 'channel'],
      [{ channel: 'alipay', method: 'wap' }, 404, 'E_CHANNEL_NOT_CONFIGURED'],
      [{ channel: 'wechat_pay', method: 'native', returnPath: 'https://evil.example/' }, 422, 'returnPath'],
    ]
    for (const [json, status, expected] of cases) {
      const response = await pay(json)
      response.assertStatus(status)
      const error = response.body().errors[0]
      assert.include([error.field, error.code], expected, JSON.stringify(json))
    }
    assert.lengthOf(await db.from(`${sale.tenant.schemaName}.payments`), 0)
    ;(await client.post(`/t/${sale.tenant.slug}/api/orders/${order.number}/payments`).json({ channel: 'wechat_pay', method: 'native' })).assertStatus(404)
  })

  test('a visitor who starts paying gets at least five minutes; an unpaid order is closed at the channel too', async ({ client, assert }) => {
    const sale = await payableVenue(['wechat_pay', 'alipay'])
    for (const kind of ['wechat_pay', 'alipay'] as ChannelKind[]) {
      const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
      const soon = new Date(Date.now() + 60_000)
      await db.from(`${sale.tenant.schemaName}.orders`).where('number', order.number).update({ expires_at: soon })
      const payment = await startPayment(client, sale.tenant, order.number, accessToken, kind)
      const minutes = (new Date(payment.expiresAt).getTime() - Date.now()) / 60_000
      assert.closeTo(minutes, 5, 0.2)
      const hold = await db.from(`${sale.tenant.schemaName}.holds`).where('id', (await db.from(`${sale.tenant.schemaName}.orders`).where('number', order.number).firstOrFail()).hold_id).firstOrFail()
      assert.closeTo((hold.expires_at.getTime() - Date.now()) / 60_000, 5, 0.2)

      await expireNow(sale.tenant, order.number)
      await PaymentService.for(sale.tenant).expireOverdue()
      const ended = await viewOrder(client, sale.tenant, order.number, accessToken)
      assert.equal(ended.status, 'expired')
      assert.deepEqual(ended.payments.map((p: any) => p.status), ['closed'])
      const trade: any = await (await fetch(`${process.env.SANDBOX_URL}/sandbox/trades/${kind === 'alipay' ? 'alipay' : 'wechatpay'}/${payment.merchantId}/${payment.outTradeNo}`)).json()
      assert.equal(trade.state, 'closed', `${kind} trade must be closed at the gateway`)
      // Paying at the gateway is no longer possible.
      await settle(kind, payment.merchantId, payment.outTradeNo)
      assert.equal((await viewOrder(client, sale.tenant, order.number, accessToken)).status, 'expired')
    }
    assert.deepInclude(await quotaState(sale.tenant, sale.quotas[0].id), { held: 0, sold: 0 })
  })
})
