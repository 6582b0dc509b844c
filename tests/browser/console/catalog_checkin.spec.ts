/*
 * The console's catalog extras and check-in screens in Debian Chromium at a desktop size: a hall's
 * seat map drawn and saved, a weekend price rule seen on the price calendar, a device registered
 * (its key shown once) whose check-in shows in the records and live counts, and the setup
 * wizard's completion remembered by the venue, not the browser.
 */
import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { Browser, Page } from 'playwright'
import type { ApiClient } from '@japa/api-client'
import { consoleAgent, createTenant, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'
import { deviceClient } from '#tests/helpers/devices'
import { screenshot } from '#tests/helpers/screenshots'

const baseURL = () => `http://${process.env.HOST}:${process.env.PORT}`

async function desktop(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: baseURL(), locale: 'zh-CN' })
  return context.newPage()
}

async function signIn(page: Page, email: string, password = OWNER_PASSWORD) {
  await page.getByLabel('邮箱 Email').fill(email)
  await page.getByLabel('密码 Password').fill(password)
  await page.getByRole('button', { name: '登录 Sign in' }).click()
}

/** A venue with a site, signed in at the console through the API too. */
async function venueWithSite(client: ApiClient, venueName: string) {
  const venue = await createTenant({ venueName })
  const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
  const { site } = (await owner.post('/sites', { name: '主园区 Main park' })).body()
  return { ...venue, owner, site }
}

test.group('Venue console: catalog extras and check-in', () => {
  test('staff draw a hall of rows × seats, mark one seat unavailable and save the map', async ({ browser, client, assert }) => {
    const venue = await venueWithSite(client, '星光剧场 Seat Map Theatre')
    const { zone: hall } = (await venue.owner.post(`/sites/${venue.site.id}/zones`, { name: '1号厅 Hall 1', kind: 'hall' })).body()
    const page = await desktop(browser)
    await page.goto(`/t/${venue.tenant.slug}/console/seat-maps?zone=${hall.id}`)
    await signIn(page, venue.email)
    await page.getByRole('heading', { name: /座位图/ }).waitFor()
    await page.getByText('尚未绘制座位').waitFor()

    await page.getByLabel('排数 Rows').fill('5')
    await page.getByLabel('每排座位 Seats per row').fill('10')
    await page.getByRole('button', { name: '生成排座 Generate rows' }).click()
    await page.getByText('共 50 座 seats').waitFor()
    await page.getByRole('button', { name: '池座 Stalls C排5座', exact: true }).click()
    await page.getByRole('radio', { name: /标记无障碍/ }).locator('..').click()
    await page.getByRole('button', { name: '池座 Stalls E排1座', exact: true }).click()
    await page.getByText('不可售 1 unavailable · 无障碍 1 accessible').waitFor()
    await page.getByRole('button', { name: '保存座位图 Save seat map' }).click()
    await page.getByText('座位图已保存，共 50 个座位').waitFor()
    await screenshot(page, 'console-seat-map')

    const seats = await db.from(`${venue.tenant.schemaName}.seats`).where('zone_id', hall.id)
    assert.lengthOf(seats, 50)
    assert.deepEqual(seats.filter((seat) => !seat.sellable).map((seat) => [seat.section, seat.row_label, seat.seat_label]), [['池座 Stalls', 'C', '5']])
    assert.deepEqual(seats.filter((seat) => seat.accessible).map((seat) => [seat.row_label, seat.seat_label]), [['E', '1']])

    // Read back after a reload: the seat is still marked.
    await page.reload()
    await page.getByRole('button', { name: /池座 Stalls C排5座 不可售/ }).waitFor()
  })

  test('staff add a weekend price rule and see it on the price calendar', async ({ browser, client, assert }) => {
    const venue = await venueWithSite(client, '青山景区 Price Park')
    const { product } = (await venue.owner.post('/products', { siteId: venue.site.id, name: '成人票 Adult', kind: 'adult', basePrice: 8000 })).body()
    const page = await desktop(browser)
    await page.goto(`/t/${venue.tenant.slug}/console/prices`)
    await signIn(page, venue.email)
    await page.getByRole('heading', { name: /价格日历/ }).waitFor()
    await page.getByText('没有规则').waitFor()

    await page.getByLabel('价格(元) Price').fill('99.50')
    await page.getByLabel('会员价(元) Member').fill('90')
    await page.getByRole('button', { name: '添加规则 Add rule' }).click()
    await page.getByText('已添加价格规则').waitFor()
    // A Saturday and a Monday of the month shown: the weekend price, then the base price.
    const days = await page.locator('td[data-day]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-day')!))
    const firstSaturday = days.find((day) => new Date(`${day}T00:00:00Z`).getUTCDay() === 6)!
    const firstMonday = days.find((day) => new Date(`${day}T00:00:00Z`).getUTCDay() === 1)!
    assert.equal(days.indexOf(firstMonday), 0, 'weeks start on Monday')
    await page.locator(`td[data-day="${firstSaturday}"]`).getByText('¥99.50').waitFor()
    await page.locator(`td[data-day="${firstSaturday}"]`).getByText('会员 ¥90.00').waitFor()
    await page.locator(`td[data-day="${firstMonday}"]`).getByText('¥80.00').waitFor()
    await screenshot(page, 'console-price-calendar')

    const [rule] = await db.from(`${venue.tenant.schemaName}.price_rules`).where('product_id', product.id)
    assert.deepInclude(rule, { day_kind: 'weekend', price: 9950, member_price: 9000, date_from: null })
  })

  test("a device is registered with its key shown once; its check-in shows in records and live counts", async ({ browser, client, assert }) => {
    const { tenant, email } = await createTenant({ venueName: '湖滨公园 Gate Park' })
    const sale = await seedSale(tenant, { products: [{ price: 0, kind: 'free' }], quotas: [{ capacity: 50 }] })
    const now = Date.now()
    await db.from(`${tenant.schemaName}.sessions`).update({ starts_at: new Date(now - 10 * 60_000), ends_at: new Date(now + 2 * 3_600_000), name: '上午场 Morning' })

    const page = await desktop(browser)
    await page.goto(`/t/${tenant.slug}/console/devices`)
    await signIn(page, email)
    await page.getByRole('heading', { name: /设备/ }).waitFor()
    await page.getByRole('button', { name: '登记设备 Register a device' }).click()
    await page.getByLabel('名称 Name').fill('南门1号闸机 South gate 1')
    await page.getByRole('button', { name: '登记 Register', exact: true }).click()
    await page.getByText('密钥只显示这一次').waitFor()
    const keyId = (await page.getByTestId('device-key-id').textContent())!.trim()
    const secret = (await page.getByTestId('device-secret').textContent())!.trim()
    assert.match(keyId, /^dk_/)
    assert.isAbove(secret.length, 30)
    await screenshot(page, 'console-device-secret')
    await page.getByRole('button', { name: '我已保存 I have saved it' }).click()
    await page.reload()
    await page.getByRole('cell', { name: '南门1号闸机 South gate 1', exact: true }).waitFor()
    assert.notInclude(await page.content(), secret, 'the key is never shown again')

    // A visitor's free ticket, scanned at the gate through the signed device API.
    const placed = await client
      .post(`/t/${tenant.slug}/api/orders`)
      .header('Idempotency-Key', randomUUID())
      .json({ items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }], contact: { phone: '13500003333' } })
    placed.assertStatus(201)
    const { order, accessToken } = placed.body()
    const tickets = (await client.get(`/t/${tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', accessToken)).body().tickets
    const gate = deviceClient(tenant, { keyId, secret })
    const scanned = await gate.scan({ code: tickets[0].code })
    assert.equal(scanned.status, 200, scanned.text)
    assert.equal(scanned.body.answer.result, 'admitted')

    await page.goto(`/t/${tenant.slug}/console/checkins`)
    const perSession = page.getByRole('table', { name: '各场次人数 Counts per session' }).or(page.locator('.el-table').first())
    const row = perSession.getByRole('row', { name: /上午场 Morning/ })
    await row.waitFor()
    assert.deepEqual(await row.locator('td').allInnerTexts().then((cells) => cells.slice(2, 6)), ['2', '1', '1', '0'])
    await page.locator('[data-site]').getByText('Main gate').waitFor()
    // A second scan shows up without reloading: the counts are read again every few seconds.
    assert.equal((await gate.scan({ code: tickets[1].code })).body.answer.result, 'admitted')
    await row.locator('td').nth(3).getByText('2', { exact: true }).waitFor({ timeout: 10_000 })
    await screenshot(page, 'console-checkin-live')

    await page.getByRole('tab', { name: '核销记录 Records' }).click()
    const records = page.getByRole('row', { name: /南门1号闸机/ })
    await records.first().waitFor()
    assert.equal(await records.count(), 2)
    await records.first().getByText('已入园 Admitted').waitFor()
    await screenshot(page, 'console-checkin-records')
  })

  test('finishing the setup wizard is remembered by the venue, in another browser too', async ({ browser, assert }) => {
    const venue = await createTenant({ venueName: '白云山 Wizard Memory' })
    const first = await desktop(browser)
    await first.goto(`/t/${venue.tenant.slug}/console`)
    await signIn(first, venue.email)
    await first.waitForURL(/\/console\/onboarding$/)
    // The venue sells without finishing every step: it finishes the wizard from its last step.
    await first.getByText('完成 Done', { exact: true }).click()
    await first.getByRole('button', { name: '完成 Finish' }).click()
    await first.waitForURL(/\/console\/orders$/)
    const profile = await db.from(`${venue.tenant.schemaName}.venue_profile`).firstOrFail()
    assert.instanceOf(profile.onboarding_completed_at, Date)

    // Another browser (no shared storage) opens on the console's first screen, not the wizard.
    const second = await desktop(browser)
    await second.goto(`/t/${venue.tenant.slug}/console`)
    await signIn(second, venue.email)
    await second.waitForURL(/\/console\/orders$/)
    await screenshot(second, 'console-after-onboarding')
  })
})
