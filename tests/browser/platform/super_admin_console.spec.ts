import { test } from '@japa/runner'
import { generate } from 'otplib'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { PLATFORM_PASSWORD, platformUser } from '#tests/helpers/platform'
import { seedSale } from '#tests/helpers/catalog'
import { screenshot } from '#tests/helpers/screenshots'
import Plans from '#platform/services/plans'
import db from '@adonisjs/lucid/services/db'
import { connectSandboxMerchants } from '#sandbox/sandbox_merchants'
import { eventually, placeOrder, settle, startPayment } from '#tests/helpers/payments'

test.group('Platform super-admin console', () => {
  test('a superadmin signs in with two-factor login, suspends a venue with a reason, and resumes it', async ({ visit, client, assert }) => {
    const admin = await platformUser('superadmin')
    const venue = await createTenant({ venueName: '云台山景区 Browser Park', contactName: '李经理' })
    const { tenant } = venue
    // One paid order, so the list and the statistics have a sale to show.
    const sale = await seedSale(tenant, { products: [{ price: 6800 }] })
    await connectSandboxMerchants(tenant, { kinds: ['alipay'] })
    const { order, accessToken } = await placeOrder(client, tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }])
    const payment = await startPayment(client, tenant, order.number, accessToken, 'alipay')
    await settle('alipay', payment.merchantId, payment.outTradeNo)
    await eventually(() => db.from(`${tenant.schemaName}.orders`).where('number', order.number).firstOrFail(), (row) => row.status === 'issued')
    const plan = await Plans.create({ name: `标准版 Standard ${process.pid}`, maxSites: 3, maxStaff: 10, commissionBp: 250 })
    await Plans.assign(tenant.id, plan.id)
    const staff = await consoleAgent(client, tenant.slug, venue.email, venue.password)

    // Sign in: password, then enrolment in two-factor login (first sign-in) with a TOTP code.
    const page = await visit('/platform/')
    await page.setViewportSize({ width: 1366, height: 860 })
    await page.getByLabel('邮箱 Email').fill(admin.email!)
    await page.getByLabel('密码 Password').fill(PLATFORM_PASSWORD)
    await screenshot(page, 'platform-sign-in')
    await page.getByRole('button', { name: '登录 Sign in' }).click()
    const secret = (await page.locator('#secret').textContent())!.trim()
    await screenshot(page, 'platform-two-factor-enrolment')
    await page.getByLabel('验证码 6-digit code').fill(await generate({ secret }))
    await page.getByRole('button', { name: '验证 Verify' }).click()
    await page.getByTestId('signed-in-as').filter({ hasText: admin.email! }).waitFor()

    // The venue list, searched by name.
    await page.getByLabel('搜索 Search').fill('云台山')
    const row = page.locator('.el-table__row', { hasText: '云台山景区 Browser Park' })
    await row.waitFor()
    // The search answers after the full list: wait for the list it filters down to.
    await page.waitForFunction("document.querySelectorAll('.el-table__row').length === 1")
    await page.assertTextContains('.el-table__row', plan.name)
    await page.assertTextContains('.el-table__row', '营业中 Active')
    await page.assertTextContains('.el-table__row', '¥136.00')
    await screenshot(page, 'platform-tenants')

    // Suspend with a reason.
    await row.getByRole('link', { name: '云台山景区 Browser Park' }).click()
    await page.getByRole('button', { name: '暂停营业 Suspend' }).click()
    await page.getByLabel('原因 Reason').fill('未缴年费 Annual fee unpaid')
    await screenshot(page, 'platform-suspend-dialog')
    await page.getByRole('button', { name: '确认暂停 Suspend' }).click()
    await page.getByTestId('tenant-status').filter({ hasText: '已暂停 Suspended' }).waitFor()
    await page.assertTextContains('[data-testid="suspension"]', '未缴年费 Annual fee unpaid')
    await screenshot(page, 'platform-tenant-suspended')

    // The visitor page says temporarily closed; the visitor API too; the console refuses a write.
    const visitorPage = await visit(`/t/${tenant.slug}/`)
    await visitorPage.assertTextContains('h1', '暂停营业')
    await visitorPage.assertTextContains('main', '云台山景区 Browser Park')
    await screenshot(visitorPage, 'visitor-venue-suspended')
    const closed = await new Agent(client, `/t/${tenant.slug}/api`).get('/products/1/sessions')
    closed.assertStatus(503)
    assert.equal(closed.body().errors[0].code, 'E_VENUE_SUSPENDED')
    const write = await staff.post('/sites', { name: '北门 North gate', timezone: 'Asia/Shanghai' })
    write.assertStatus(423)
    assert.equal(write.body().errors[0].code, 'E_VENUE_READ_ONLY')

    // View as the venue, read-only.
    await page.getByRole('button', { name: '只读查看 View as' }).click()
    await page.getByTestId('view-as').getByText('场地 Sites (1)').waitFor()
    await page.getByTestId('view-as').getByText('场地 Sites (1)').click()
    await page.getByTestId('view-as').getByText('Main gate').waitFor()
    await screenshot(page, 'platform-view-as')

    // Resume: the visitor page opens again and the console can write.
    await page.getByRole('button', { name: '恢复营业 Resume' }).click()
    await page.getByTestId('tenant-status').filter({ hasText: '营业中 Active' }).waitFor()
    const reopened = await client.get(`/t/${tenant.slug}/`).header('accept', 'text/html')
    assert.notEqual(reopened.status(), 503)
    ;(await staff.post('/sites', { name: '北门 North gate', timezone: 'Asia/Shanghai' })).assertStatus(201)
    await page.getByTestId('history').getByText('tenant.resume').waitFor()
    await screenshot(page, 'platform-tenant-resumed')

    // The other screens.
    await page.getByRole('menuitem', { name: '套餐 Plans' }).click()
    await page.locator('.el-table__row', { hasText: plan.name }).waitFor()
    await screenshot(page, 'platform-plans')
    await page.getByRole('menuitem', { name: '平台统计 Statistics' }).click()
    await page.getByRole('img', { name: '每日销售额与订单数 Paid sales and orders per day' }).locator('canvas').waitFor()
    // Top venues by sales (this venue's paid order among them unless the database holds ten bigger sellers).
    await page.locator('.el-table__row a').first().waitFor()
    await screenshot(page, 'platform-stats')
    await page.getByRole('menuitem', { name: '审计日志 Audit log' }).click()
    await page.locator('.el-table__row', { hasText: 'tenant.suspend' }).first().waitFor()
    await screenshot(page, 'platform-audit')

    // A deep link opens the same screen after a reload.
    await page.reload()
    await page.locator('.el-table__row', { hasText: 'tenant.suspend' }).first().waitFor()
    assert.match(page.url(), /\/platform\/audit$/)
  }).timeout(240_000)
})
