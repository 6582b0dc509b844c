/*
 * The box office screen (售票) in Chromium at a desktop size, at the demo's scenic area: the box
 * office clerk sells two tickets, the desk shows a WeChat Pay QR code, the buyer's phone "scans" it
 * (opens its link in a second browser) and pays at the sandbox cashier, and the console turns to
 * paid by itself and shows the tickets to print, one per page. At the demo theatre the clerk picks
 * the buyer's seats on the hall's map.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { Browser, Page } from 'playwright'
import { seedDemo, DEMO_PASSWORD } from '#platform/services/demo_venues'
import { screenshot } from '#tests/helpers/screenshots'

const baseURL = () => `http://${process.env.HOST}:${process.env.PORT}`

async function desktop(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: baseURL(), locale: 'zh-CN' })
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error(`[console page] ${error.message}`))
  return page
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('邮箱 Email').fill(email)
  await page.getByLabel('密码 Password').fill(password)
  await page.getByRole('button', { name: '登录 Sign in' }).click()
}

test.group('Box office', () => {
  test('the clerk sells two tickets, the buyer scans the QR code and pays, and the tickets print one per page', async ({ browser, assert }) => {
    const { venues } = await seedDemo()
    const venue = venues.find((v) => v.slug === 'misty-peak')!
    // Tomorrow: today's last slot may be over when the suite runs.
    const tomorrow = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 }).toISODate()!

    const page = await desktop(browser)
    await page.goto(`/t/${venue.slug}/console`)
    await signIn(page, `boxoffice@${venue.slug}.demo`, DEMO_PASSWORD)
    await page.getByRole('menuitem', { name: '售票 Box office' }).click()
    await page.getByRole('heading', { name: /售票/ }).waitFor()
    // The buyer's coupon, applied first: the server's quote counts it before the order is placed.
    await page.getByLabel('优惠码 Coupon / voucher').fill('WELCOME10')
    await page.getByRole('button', { name: '使用 Apply' }).click()
    await page.getByRole('status').filter({ hasText: 'WELCOME10' }).waitFor()

    const date = page.getByLabel('日期 Date')
    await date.fill(tomorrow)
    await date.press('Enter')
    await page.getByRole('radio', { name: /08:00–09:00/ }).waitFor()
    await page.locator('label').filter({ hasText: '09:00–10:00' }).click()
    const adults = page.getByLabel('数量 Quantity 成人票 Adult')
    await adults.fill('2')
    await adults.press('Tab')
    await page.getByRole('button', { name: /下单 Place order · 2 张/ }).waitFor()
    assert.isTrue(await page.getByRole('radio', { name: /09:00–10:00/ }).isChecked())
    await page.getByTestId('desk-quote').filter({ hasText: '优惠券 Coupon −¥10.00' }).waitFor()
    const quoted = await page.getByTestId('desk-quote-total').innerText()
    await screenshot(page, 'console-box-office-sale')

    await page.getByRole('button', { name: /下单 Place order/ }).click()
    await page.getByRole('button', { name: '微信支付 WeChat Pay' }).waitFor()
    const order = await db.from(`${venue.schemaName}.orders`).where('sales_channel', 'box_office').orderBy('id', 'desc').firstOrFail()
    assert.equal(order.status, 'pending_payment')
    const total = `¥${order.total_amount / 100}.00`
    await page.getByTestId('desk-total').filter({ hasText: total }).waitFor()
    assert.equal(quoted, total)
    assert.equal(order.coupon_code, 'WELCOME10')

    await page.getByRole('button', { name: '微信支付 WeChat Pay' }).click()
    const qr = page.getByRole('img', { name: '付款码 Payment QR code' })
    await qr.locator('svg').waitFor()
    assert.match((await page.getByTestId('desk-countdown').textContent())!, /^0[4-9]:\d\d|^[1-9]\d:\d\d/)
    await screenshot(page, 'console-box-office-qr')

    // The buyer's phone scans the code: it opens the link the code holds and pays at the cashier.
    const url = (await qr.getAttribute('data-pay-url'))!
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })).newPage()
    await phone.goto(url)
    await phone.getByText(total).first().waitFor()
    await screenshot(phone, 'console-box-office-phone-cashier')
    await phone.getByRole('button', { name: /确认支付|Pay ¥/ }).click()

    await page.getByText('支付成功，已出票 Paid: tickets issued').waitFor({ timeout: 15_000 })
    const tickets = page.locator('.print-tickets .ticket')
    await tickets.nth(1).locator('svg').waitFor()
    assert.equal(await tickets.count(), 2)
    await screenshot(page, 'console-box-office-tickets')
    const paid = await db.from(`${venue.schemaName}.orders`).where('id', order.id).firstOrFail()
    assert.equal(paid.status, 'issued')

    // On paper: no menu, no buttons, one ticket per page.
    await page.emulateMedia({ media: 'print' })
    await screenshot(page, 'console-box-office-print')
    assert.isFalse(await page.getByRole('button', { name: '打印门票 Print tickets' }).isVisible())
    const pdf = (await page.pdf({ format: 'A5' })).toString('latin1')
    assert.equal(pdf.match(/\/Type\s*\/Page[^s]/g)?.length, 2)
    await page.emulateMedia({ media: 'screen' })

    // The next buyer changes their mind while the QR code shows: the clerk cancels, the places go back.
    await page.getByRole('button', { name: '下一位 Next sale' }).click()
    await page.getByRole('button', { name: /下单 Place order · 1 张/ }).click()
    await page.getByRole('button', { name: '支付宝 Alipay' }).click()
    await page.getByRole('img', { name: '付款码 Payment QR code' }).locator('svg').waitFor()
    await page.getByRole('button', { name: '取消订单 Cancel order' }).click()
    await page.getByRole('button', { name: /下单 Place order/ }).waitFor()
    const cancelled = await db.from(`${venue.schemaName}.orders`).where('sales_channel', 'box_office').orderBy('id', 'desc').firstOrFail()
    assert.notEqual(cancelled.id, order.id)
    assert.equal(cancelled.status, 'cancelled')
  })

  test('at the theatre desk the clerk picks two seats on the map with the buyer, and the tickets carry them', async ({ browser, assert }) => {
    const { venues } = await seedDemo()
    const venue = venues.find((v) => v.slug === 'riverside-theatre')!
    // The next Friday or Saturday evening performance after today.
    let day = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 })
    while (day.weekday !== 5 && day.weekday !== 6) day = day.plus({ days: 1 })

    const page = await desktop(browser)
    await page.goto(`/t/${venue.slug}/console/box-office`)
    await signIn(page, `boxoffice@${venue.slug}.demo`, DEMO_PASSWORD)
    await page.getByRole('heading', { name: /售票/ }).waitFor()
    const date = page.getByLabel('日期 Date')
    await date.fill(day.toISODate()!)
    await date.press('Enter')
    await page.getByRole('radio', { name: /19:30–22:00/ }).waitFor()
    const quantity = page.getByLabel('数量 Quantity Swan Lake 天鹅湖')
    await quantity.fill('2')
    await quantity.press('Tab')
    await page.getByRole('button', { name: /下单 Place order · 2 张/ }).waitFor()

    // Row 5 of the stalls, seats 12 and 13 (the middle: what best available would not give first).
    const map = page.getByRole('group', { name: '座位图 Seat map' })
    for (const seat of ['池座 Stalls 5排12号', '池座 Stalls 5排13号']) {
      const button = map.getByRole('button', { name: seat, exact: true })
      await button.click()
      assert.equal(await button.getAttribute('aria-pressed'), 'true')
    }
    await page.getByTestId('desk-chosen-seats').filter({ hasText: '2/2：池座 Stalls 5排12号、池座 Stalls 5排13号' }).waitFor()
    // A third seat is one too many: the clerk is told, nothing changes.
    await map.getByRole('button', { name: '池座 Stalls 5排14号', exact: true }).click()
    await page.getByText(/已选满 2 个座位/).waitFor()
    await screenshot(page, 'console-box-office-seat-map')
    await page.getByTestId('desk-chosen-seats').scrollIntoViewIfNeeded()
    await screenshot(page, 'console-box-office-seats-chosen')

    await page.getByRole('button', { name: /下单 Place order/ }).click()
    await page.getByRole('button', { name: '微信支付 WeChat Pay' }).click()
    const qr = page.getByRole('img', { name: '付款码 Payment QR code' })
    await qr.locator('svg').waitFor()
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })).newPage()
    await phone.goto((await qr.getAttribute('data-pay-url'))!)
    await phone.getByRole('button', { name: /确认支付|Pay ¥/ }).click()

    await page.getByText('支付成功，已出票 Paid: tickets issued').waitFor({ timeout: 15_000 })
    const tickets = page.locator('.print-tickets .ticket')
    await tickets.nth(1).locator('svg').waitFor()
    assert.sameMembers(await tickets.locator('div', { hasText: /^池座 Stalls \d+排\d+号$/ }).allInnerTexts(), ['池座 Stalls 5排12号', '池座 Stalls 5排13号'])
    await screenshot(page, 'console-box-office-seat-tickets')

    // The map of the next sale shows them sold.
    await page.getByRole('button', { name: '下一位 Next sale' }).click()
    await page.getByRole('button', { name: /下单 Place order · 1 张/ }).waitFor()
    assert.equal(await page.getByRole('button', { name: '池座 Stalls 5排12号', exact: true }).getAttribute('aria-disabled'), 'true')
  })

  test('a free real-name reservation at the museum desk: a wrong ID number is refused, then the ticket is issued at once', async ({ browser, assert }) => {
    const { venues } = await seedDemo()
    const venue = venues.find((v) => v.slug === 'city-museum')!
    const page = await desktop(browser)
    await page.goto(`/t/${venue.slug}/console/box-office`)
    await signIn(page, `boxoffice@${venue.slug}.demo`, DEMO_PASSWORD)
    await page.getByRole('heading', { name: /售票/ }).waitFor()
    // The next day the museum opens (closed on Mondays).
    let day = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 })
    if (day.weekday === 1) day = day.plus({ days: 1 })
    const date = page.getByLabel('日期 Date')
    await date.fill(day.toISODate()!)
    await date.press('Enter')
    await page.getByRole('radio', { name: /09:00–11:00/ }).waitFor()

    await page.getByLabel('持票人1 姓名 Name').fill('王芳')
    await page.getByLabel('持票人1 证件号 ID number').fill('110105194912310021')
    await page.getByRole('button', { name: /下单 Place order · 1 张/ }).click()
    await page.getByRole('alert').filter({ hasText: /ID number/ }).waitFor()
    await screenshot(page, 'console-box-office-id-refused')

    await page.getByLabel('持票人1 证件号 ID number').fill('11010519491231002X')
    await page.getByRole('button', { name: /下单 Place order · 1 张/ }).click()
    await page.getByText('已出票 Tickets issued').waitFor()
    await page.locator('.print-tickets .ticket').getByText('王* 110105********002X').waitFor()
    await screenshot(page, 'console-box-office-free-real-name')
    const order = await db.from(`${venue.schemaName}.orders`).where('sales_channel', 'box_office').orderBy('id', 'desc').firstOrFail()
    assert.equal(order.status, 'issued')
    assert.isNull(order.contact_phone)
  })
})
