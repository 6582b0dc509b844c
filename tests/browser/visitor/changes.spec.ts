/*
 * 改签 on the H5 with a price difference: to a dearer session the difference is paid at the
 * sandbox cashier (the same pay page and channel choice as an order) and the new ticket shows;
 * to a cheaper one the difference goes back and the page says so.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { eventually, payableVenue, placeOrder, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { screenshot } from '#tests/helpers/screenshots'
import { addSession, atCashier, hoursToTomorrowMorning, keepOrderToken, phonePage, setProduct } from './visitor_pages.js'

test.group('Visitor H5: changes (改签) with a price difference', () => {
  test('to a dearer session: pay the difference at the cashier, see the new ticket; then to a cheaper one: the difference comes back', async ({ browser, client, assert }) => {
    const sale = await payableVenue(['alipay'], { products: [{ price: 8000 }], quotas: [{ capacity: 10 }], startsInHours: hoursToTomorrowMorning() })
    const { tenant } = sale
    await setProduct(tenant, sale.products[0].id, { name: '分时预约 Timed entry', changeable: true })
    const dearer = await addSession(tenant, sale, 2, 10000)
    const cheaper = await addSession(tenant, sale, 4, 5000)
    const { order, accessToken } = await placeOrder(client, tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
    const payment = await startPayment(client, tenant, order.number, accessToken, 'alipay')
    await settle('alipay', payment.merchantId, payment.outTradeNo)
    await eventually(() => viewOrder(client, tenant, order.number, accessToken), (o) => o.status === 'issued', 15_000)

    const page = await phonePage(browser)
    await page.goto(`/t/${tenant.slug}/`)
    await keepOrderToken(page, tenant, order.number, accessToken)
    await page.goto(`/t/${tenant.slug}/my/orders/${order.number}`)
    await page.locator('.ticket .qr svg').waitFor()

    // Dearer: ¥20 more, paid at the cashier.
    await page.getByRole('button', { name: '改签' }).click()
    await page.locator('.change').getByText(dearer.startsAt.setZone('Asia/Shanghai').toFormat('HH:mm')).click()
    await page.getByTestId('change-quote').filter({ hasText: '需补差价 ¥20.00' }).waitFor()
    await screenshot(page, 'visitor-change-quote-dearer')
    await page.getByRole('button', { name: '确认改签' }).click()
    await page.waitForURL(/\/pay\/T\w+\?change=\d+/)
    await page.getByTestId('amount').filter({ hasText: '¥20.00' }).waitFor()
    await page.getByText('改签差价').waitFor()
    await screenshot(page, 'visitor-change-pay')
    await page.getByRole('button', { name: /立即支付 ¥20.00/ }).click()
    await page.waitForURL(/sandbox\/cashier/)
    await atCashier(page, 'pay')
    await page.getByTestId('pay-result').filter({ hasText: '改签成功' }).waitFor({ timeout: 25_000 })
    await screenshot(page, 'visitor-change-paid')
    await page.getByRole('button', { name: '查看电子票' }).click()
    const valid = page.locator('.ticket').filter({ hasText: '可入园' })
    await valid.locator('.qr svg').waitFor()
    assert.include(await valid.innerText(), dearer.startsAt.setZone('Asia/Shanghai').toFormat('HH:mm'))
    // The ticket it replaced is no longer shown.
    assert.equal(await page.locator('.ticket').count(), 1)

    // Cheaper: ¥50 back.
    await valid.getByRole('button', { name: '改签' }).click()
    await page.locator('.change').getByText(cheaper.startsAt.setZone('Asia/Shanghai').toFormat('HH:mm')).click()
    await page.getByTestId('change-quote').filter({ hasText: '差价 ¥50.00 将原路退回' }).waitFor()
    await page.getByRole('button', { name: '确认改签' }).click()
    await page.getByTestId('change-refund').filter({ hasText: '差价 ¥50.00 将原路退回 · 已到账' }).waitFor({ timeout: 25_000 })
    await screenshot(page, 'visitor-change-refunded')

    const tickets = await db
      .from(`${tenant.schemaName}.order_tickets as t`)
      .join(`${tenant.schemaName}.orders as o`, 'o.id', 't.order_id')
      .where('o.number', order.number)
      .orderBy('t.id')
      .select('t.status', 't.session_id', 't.price')
    assert.deepEqual(
      tickets.map((t) => [t.status, Number(t.session_id), t.price]),
      [
        ['changed', sale.session.id, 8000],
        ['changed', dearer.sessionId, 10000],
        ['valid', cheaper.sessionId, 5000],
      ]
    )
    const final = await viewOrder(client, tenant, order.number, accessToken)
    assert.equal(final.paidAmount, 10000)
    assert.equal(final.refundedAmount, 5000)
  })
})
