/*
 * The visitor H5 end to end on a phone: a timed-entry ticket paid at the sandbox cashier and
 * refunded with its fee shown, a theatre seat chosen on the map, a free real-name museum
 * reservation. Screenshots of each page go to tmp/screenshots/.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'
import { payableVenue } from '#tests/helpers/payments'
import { screenshot } from '#tests/helpers/screenshots'
import { ID_NUMBER, atCashier, orderNumberIn, phonePage, placeFromBuyPage, setProduct } from './visitor_pages.js'

test.group('Visitor H5: buying', () => {
  test('a timed-entry ticket: buy, pay at the cashier, see the QR, refund with the fee shown', async ({ browser, assert }) => {
    const sale = await payableVenue(['alipay'], { products: [{ price: 8000 }], quotas: [{ capacity: 50 }] })
    const { tenant } = sale
    const product = sale.products[0]
    await setProduct(tenant, product.id, { name: '分时预约 Timed entry', refund_tiers: JSON.stringify([{ hoursBefore: 2, feePercent: 10 }]) })
    await db.from(`${tenant.schemaName}.venue_profile`).where('id', 1).update({ theme_color: '#0e7c66', notice: '今日开放，请提前预约 Open today: book ahead', opening_hours: '08:30–17:30', address: '云岭路 1 号' })

    const page = await phonePage(browser)
    await page.goto(`/t/${tenant.slug}/`)
    await page.getByTestId('products').getByText('分时预约 Timed entry').waitFor()
    assert.include(await page.getByTestId('products').innerText(), '¥80')
    await screenshot(page, 'visitor-home')

    await page.getByText('分时预约 Timed entry').click()
    await page.getByRole('radio', { checked: true }).first().waitFor()
    await page.getByText('开始前 2 小时以上退票，收取 10% 手续费').waitFor()
    await page.getByLabel('手机号').fill('13700001111')
    await page.getByTestId('total').filter({ hasText: '¥80' }).waitFor()
    await screenshot(page, 'visitor-buy-timed')
    await placeFromBuyPage(page)

    await page.waitForURL(/\/pay\/T/)
    const number = orderNumberIn(page)
    await page.getByTestId('countdown').waitFor()
    await screenshot(page, 'visitor-pay')
    await page.getByRole('button', { name: /立即支付/ }).click()

    await page.waitForURL(/sandbox\/cashier/)
    await atCashier(page, 'pay')
    await page.getByTestId('pay-result').filter({ hasText: '支付成功' }).waitFor({ timeout: 20_000 })
    await screenshot(page, 'visitor-paid')
    await page.getByRole('button', { name: '查看电子票' }).click()

    await page.locator('.ticket .qr svg').waitFor()
    assert.equal(await page.getByTestId('order-status').innerText(), '已出票')
    await screenshot(page, 'visitor-ticket')

    await page.getByRole('button', { name: '退票' }).click()
    await page.getByText('退款 ¥72.00（手续费 ¥8.00）').waitFor()
    await screenshot(page, 'visitor-refund-quote')
    await page.getByRole('button', { name: '确认退票' }).click()
    await page.getByTestId('order-status').filter({ hasText: '已退款' }).waitFor({ timeout: 20_000 })
    await screenshot(page, 'visitor-refunded')
    const order = await db.from(`${tenant.schemaName}.orders`).where('number', number).firstOrFail()
    assert.equal(order.status, 'refunded')
    assert.equal(order.refunded_amount, 7200)
  })

  test('a theatre seat tapped on the map, paid and issued', async ({ browser, assert }) => {
    const sale = await payableVenue(['alipay'], { kind: 'performance', hall: { rows: 6, seatsPerRow: 10 }, products: [{ price: 28000 }], quotas: [{ capacity: 60 }] })
    const { tenant } = sale
    await setProduct(tenant, sale.products[0].id, { name: '《雷雨》 Thunderstorm' })
    const page = await phonePage(browser)
    await page.goto(`/t/${tenant.slug}/buy/${sale.products[0].id}`)

    const seat = page.locator('[data-seat="3-5"]')
    await seat.waitFor()
    await seat.tap()
    assert.equal(await seat.getAttribute('aria-pressed'), 'true')
    await page.getByTestId('chosen-seats').filter({ hasText: '3排5号' }).waitFor()
    await page.getByRole('button', { name: '放大' }).click()
    await screenshot(page, 'visitor-seat-map')
    await placeFromBuyPage(page)

    await page.waitForURL(/\/pay\/T/)
    const number = orderNumberIn(page)
    await page.getByRole('button', { name: /立即支付 ¥280.00/ }).click()
    await page.waitForURL(/sandbox\/cashier/)
    await atCashier(page, 'pay')
    await page.getByRole('button', { name: '查看电子票' }).click({ timeout: 20_000 })
    await page.locator('.ticket .qr svg').waitFor()
    assert.include(await page.locator('.ticket .seat').innerText(), '3排5号')
    await screenshot(page, 'visitor-seat-ticket')

    const [ticket] = await db.from(`${tenant.schemaName}.order_tickets as t`).join(`${tenant.schemaName}.orders as o`, 'o.id', 't.order_id').where('o.number', number).select('t.seat_id', 't.status')
    assert.equal(ticket.status, 'valid')
    assert.equal(Number(ticket.seat_id), sale.seatIds[2 * 10 + 4])
  })

  test('a free museum reservation for a real-name visitor, issued with its QR at once', async ({ browser, assert }) => {
    const { tenant } = await createTenant({ venueName: '城南博物馆 Chengnan Museum', venueType: 'museum' })
    const sale = await seedSale(tenant, { products: [{ price: 0, kind: 'free' }], quotas: [{ capacity: 30 }] })
    await setProduct(tenant, sale.products[0].id, { name: '免费预约 Free entry', real_name_required: true })
    const page = await phonePage(browser)
    await page.goto(`/t/${tenant.slug}/`)
    await page.getByText('免费预约 Free entry').click()

    const holder = page.locator('[data-holder="0"]')
    await holder.getByLabel('姓名').fill('张三')
    await holder.getByLabel('身份证号').fill('110105194912310021')
    await page.getByText('身份证号有误（校验位不符）').waitFor()
    await holder.getByLabel('身份证号').fill(ID_NUMBER)
    await page.getByLabel('手机号').fill('13700001111')
    await screenshot(page, 'visitor-buy-free')
    await page.getByRole('button', { name: '立即预约' }).click()

    await page.waitForURL(/\/my\/orders\/T/)
    await page.locator('.ticket .qr svg').waitFor()
    assert.include(await page.locator('.ticket').innerText(), '张*')
    await screenshot(page, 'visitor-free-ticket')
    const [ticket] = await db.from(`${tenant.schemaName}.order_tickets`).select('status', 'holder_name')
    assert.deepEqual(ticket, { status: 'valid', holder_name: '张三' })
  })
})
