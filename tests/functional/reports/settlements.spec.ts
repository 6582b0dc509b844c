import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { consoleAgent } from '#tests/helpers/tenants'
import { runAce } from '#tests/helpers/ace'
import { settle, startPayment } from '#tests/helpers/payments'
import { commissionByChannel, onCommissionPlan, placeOrder, rows, today, tradingDay } from '#tests/functional/reports/report_fixtures'

/** The sandbox's fee: 0.60% of each payment, given back in proportion on refunds. */
const fee = (fen: number) => Math.round((fen * 60) / 10_000)

test.group('Finance: settlement against the channels’ bills', () => {
  test('a clean day matches at every channel, to the fen, fees included', async ({ client, assert }) => {
    const day = await tradingDay(client)
    const { tenant, owner } = day
    const expected = {
      wechat_pay: { payments: 16000, refunds: 7000, fee: fee(16000) - fee(7000) },
      alipay: { payments: 20667, refunds: 0, fee: fee(20667) },
      unionpay: { payments: 10000, refunds: 10000, fee: 0 },
    }
    for (const [channel, amounts] of Object.entries(expected)) {
      const fetched = await owner.post(`/finance/settlements/${channel}/${today()}/fetch`)
      fetched.assertStatus(200)
      const settlement = fetched.body().settlement
      assert.equal(settlement.status, 'matched', `${channel}: ${JSON.stringify(settlement.differences)}`)
      assert.deepEqual(settlement.differences, [])
      assert.deepInclude(settlement.recorded, { paymentAmount: amounts.payments, refundAmount: amounts.refunds })
      assert.deepInclude(settlement.bill, { paymentAmount: amounts.payments, refundAmount: amounts.refunds, fee: amounts.fee, net: amounts.payments - amounts.refunds - amounts.fee })
      const paid = (await rows(tenant, 'payments')).filter((payment) => payment.channel === channel && payment.status === 'paid')
      assert.sameMembers(settlement.lines.filter((line: any) => line.kind === 'payment').map((line: any) => line.outTradeNo), paid.map((payment) => payment.out_trade_no))
    }
    const refund = (await owner.get(`/finance/settlements/wechat_pay/${today()}`)).body().settlement.lines.find((line: any) => line.kind === 'refund')
    assert.deepInclude(refund, { outRefundNo: day.refunds.partial, outTradeNo: day.payments.wechat.outTradeNo, amount: 7000, fee: -fee(7000) })

    const list = await owner.get(`/finance/settlements?from=${today()}&to=${today()}`)
    list.assertStatus(200)
    assert.deepEqual(list.body().channels, ['alipay', 'unionpay', 'wechat_pay'])
    assert.deepEqual(list.body().days.map((row: any) => [row.channel, row.status]), [
      ['alipay', 'matched'],
      ['unionpay', 'matched'],
      ['wechat_pay', 'matched'],
    ])

    // A matched day is confirmed without a note, once, audited; then it is final.
    const confirmed = await owner.post(`/finance/settlements/alipay/${today()}/confirm`)
    confirmed.assertStatus(200)
    assert.equal(confirmed.body().settlement.confirmed.by.split(':')[0], 'staff')
    ;(await owner.post(`/finance/settlements/alipay/${today()}/confirm`)).assertStatus(409)
    ;(await owner.post(`/finance/settlements/alipay/${today()}/fetch`)).assertStatus(409)
    const audit = (await rows(tenant, 'audit_logs')).filter((entry) => entry.action === 'settlement.confirmed')
    assert.lengthOf(audit, 1)
    assert.deepInclude(audit[0], { subject_type: 'settlement', subject_id: `alipay:${today()}`, actor_type: 'staff' })
    assert.equal(audit[0].meta.status, 'matched')
  })

  test('differences are listed: a payment Tessera never heard of, a different amount, one the bill lacks', async ({ client, assert }) => {
    const day = await tradingDay(client)
    const { tenant, owner, session } = day
    const item = [{ productId: day.products.a, sessionId: session.id, quantity: 1 }]

    // Paid at WeChat, but the notification is dropped and nobody queried: Tessera still has it pending.
    const lost = await placeOrder(client, tenant, item)
    const lostPayment = await startPayment(client, tenant, lost.number, lost.accessToken, 'wechat_pay')
    await settle('wechat_pay', lostPayment.merchantId, lostPayment.outTradeNo, 'pay', { drop: true })
    // Tessera recorded another amount than WeChat took.
    await db.from(`${tenant.schemaName}.payments`).where('out_trade_no', day.payments.wechat.outTradeNo).update({ amount: 15900 })
    // Tessera marked paid a payment WeChat never took.
    const ghost = await placeOrder(client, tenant, item)
    const ghostPayment = await startPayment(client, tenant, ghost.number, ghost.accessToken, 'wechat_pay')
    await db.from(`${tenant.schemaName}.payments`).where('out_trade_no', ghostPayment.outTradeNo).update({ status: 'paid', paid_at: new Date() })

    const settlement = (await owner.post(`/finance/settlements/wechat_pay/${today()}/fetch`)).body().settlement
    assert.equal(settlement.status, 'differences')
    assert.equal(settlement.differenceCount, 3)
    const problem = (outTradeNo: string) => settlement.differences.find((difference: any) => difference.outTradeNo === outTradeNo)
    assert.deepInclude(problem(lostPayment.outTradeNo), { kind: 'payment', problem: 'missing_in_tessera', recordedAmount: null, billAmount: 8000, note: 'Tessera has this payment as pending' })
    assert.deepInclude(problem(day.payments.wechat.outTradeNo), { kind: 'payment', problem: 'amount_mismatch', recordedAmount: 15900, billAmount: 16000 })
    assert.deepInclude(problem(ghostPayment.outTradeNo), { kind: 'payment', problem: 'missing_in_bill', recordedAmount: 8000, billAmount: null })
    assert.deepInclude(settlement.recorded, { payments: 2, paymentAmount: 15900 + 8000 })
    assert.deepInclude(settlement.bill, { payments: 2, paymentAmount: 16000 + 8000 })

    // Finance staff see it; box office staff do not; confirming differences needs a note.
    for (const [local, role] of [
      ['desk', 'box_office'],
      ['money', 'finance'],
    ]) {
      ;(await owner.post('/staff', { email: `${local}@${tenant.slug}.test`, fullName: local, password: 'staff-pass-2026', roles: [role] })).assertStatus(201)
    }
    const desk = await consoleAgent(client, tenant.slug, `desk@${tenant.slug}.test`, 'staff-pass-2026')
    const finance = await consoleAgent(client, tenant.slug, `money@${tenant.slug}.test`, 'staff-pass-2026')
    ;(await desk.get(`/finance/settlements?from=${today()}&to=${today()}`)).assertStatus(403)
    ;(await desk.get(`/finance/settlements/wechat_pay/${today()}`)).assertStatus(403)
    ;(await desk.post(`/finance/settlements/wechat_pay/${today()}/confirm`, { note: 'x' })).assertStatus(403)
    ;(await finance.get(`/finance/settlements/wechat_pay/${today()}`)).assertStatus(200)
    const bare = await finance.post(`/finance/settlements/wechat_pay/${today()}/confirm`)
    bare.assertStatus(422)
    assert.equal(bare.body().errors[0].field, 'note')
    const signed = await finance.post(`/finance/settlements/wechat_pay/${today()}/confirm`, { note: 'Lost notification applied by query; ghost payment voided' })
    signed.assertStatus(200)
    assert.equal(signed.body().settlement.confirmed.note, 'Lost notification applied by query; ghost payment voided')
    const audit = (await rows(tenant, 'audit_logs')).find((entry) => entry.action === 'settlement.confirmed')
    assert.deepInclude(audit.meta, { status: 'differences', differences: 3 })
  })

  test("the list answers the plan's commission per channel and day, rounded per order; none without a plan", async ({ client, assert }) => {
    const { tenant, owner } = await tradingDay(client)
    const list = async (query = '') => (await owner.get(`/finance/settlements?from=${today()}&to=${today()}${query}`)).body().commission
    // The free order has no channel and no commission; the other three were paid through the sandbox.
    assert.deepInclude(await list(), { bp: 0, orders: 3, sales: 46667, amount: 0 })

    await onCommissionPlan(tenant, 250, async () => {
      const expected = await commissionByChannel(tenant, 250)
      const commission = await list()
      assert.equal(commission.bp, 250)
      // 2.50% of 160.00, 206.67 and 100.00, each rounded: 4.00 + 5.17 + 2.50.
      assert.equal(commission.amount, 400 + 517 + 250)
      assert.equal(commission.amount, expected.wechat_pay + expected.alipay + expected.unionpay)
      assert.deepEqual(
        commission.days.map((day: any) => [day.date, day.channel, day.commission]),
        ['alipay', 'unionpay', 'wechat_pay'].map((channel) => [today(), channel, expected[channel]])
      )
      assert.deepInclude(await list('&channel=alipay'), { amount: expected.alipay, orders: 1, sales: 20667 })
    })
  })

  test('finance:fetch-bills fetches every channel of a day once; --all fetches again', async ({ client, assert }) => {
    const day = await tradingDay(client)
    const { tenant } = day
    const first = await runAce('finance:fetch-bills', ['--date', today(), '--venue', tenant.slug])
    assert.equal(first.command.exitCode, 0, first.lines.join('\n'))
    assert.match(first.lines.join('\n'), /1 venues; 3 matched, 0 with differences, 0 failed, 0 already fetched/)
    const again = await runAce('finance:fetch-bills', ['--date', today(), '--venue', tenant.slug])
    assert.match(again.lines.join('\n'), /0 matched, 0 with differences, 0 failed, 3 already fetched/)
    const forced = await runAce('finance:fetch-bills', ['--date', today(), '--venue', tenant.slug, '--all'])
    assert.match(forced.lines.join('\n'), /3 matched/)
    assert.lengthOf(await rows(tenant, 'settlement_days'), 3)

    // A day without trades is an empty bill at every channel, matched.
    const quiet = await runAce('finance:fetch-bills', ['--date', '2026-01-01', '--venue', tenant.slug])
    assert.match(quiet.lines.join('\n'), /3 matched/)
  })
})
