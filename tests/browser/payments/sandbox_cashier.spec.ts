import { test } from '@japa/runner'
import { screenshot } from '#tests/helpers/screenshots'
import { eventually, payableVenue, placeOrder, viewOrder } from '#tests/helpers/payments'

test.group('The sandbox cashier', () => {
  test('a visitor opens Alipay from a mobile browser, fails once, then pays and comes back', async ({ visit, client, assert }) => {
    const sale = await payableVenue(['alipay'])
    const { tenant } = sale
    const { order, accessToken } = await placeOrder(client, tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }])
    const started = await client
      .post(`/t/${tenant.slug}/api/orders/${order.number}/payments`)
      .header('X-Order-Token', accessToken)
      .json({ channel: 'alipay', method: 'wap', returnPath: `/t/${tenant.slug}/` })
    started.assertStatus(201)
    const { start } = started.body().payment
    assert.equal(start.kind, 'redirect')

    const page = await visit(start.url)
    await page.assertTextContains('.amount', '¥160.00')
    await page.assertTextContains('.badge', '支付宝')
    await screenshot(page, 'sandbox-cashier-alipay')

    await page.getByRole('button', { name: /Fail/ }).click()
    await page.assertTextContains('[role=alert]', '支付失败')
    assert.equal((await viewOrder(client, tenant, order.number, accessToken)).status, 'pending_payment')

    await page.getByRole('button', { name: /Pay ¥160.00/ }).click()
    await page.waitForURL((url: URL) => url.pathname === `/t/${tenant.slug}/`)
    const returned = new URL(page.url())
    assert.equal(returned.searchParams.get('out_trade_no'), started.body().payment.outTradeNo)
    assert.isString(returned.searchParams.get('sign'))
    const paid = await eventually(() => viewOrder(client, tenant, order.number, accessToken), (o) => o.status === 'issued')
    assert.equal(paid.paidAmount, 16000)
  })
})
