/*
 * The venue console (resources/console/) in Debian Chromium at a desktop size: the setup wizard
 * with real sandbox merchants, a product with bulk-generated sessions on the calendar, a visitor's
 * refund approved, and a clerk who sees only what the clerk's role allows.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { Browser, Page } from 'playwright'
import type { ApiClient } from '@japa/api-client'
import Site from '#catalog/models/site'
import { registerSandboxMerchant } from '#sandbox/sandbox_merchants'
import type { SandboxOfficialAccountCredentials } from '#wechat/services/sandbox_official_account'
import { runInTenant } from '#tenancy/services/tenant_database'
import { consoleAgent, createTenant, OWNER_PASSWORD, setBookingRules } from '#tests/helpers/tenants'
import { eventually, payableVenue, placeOrder, sandboxPost, sandboxUrl, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { screenshot } from '#tests/helpers/screenshots'

const baseURL = () => `http://${process.env.HOST}:${process.env.PORT}`

async function desktop(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: baseURL(), locale: 'zh-CN' })
  return context.newPage()
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('邮箱 Email').fill(email)
  await page.getByLabel('密码 Password').fill(password)
  await page.getByRole('button', { name: '登录 Sign in' }).click()
}

const menu = (page: Page) => page.getByRole('menubar').or(page.locator('.el-menu')).first()

const today = () => DateTime.now().setZone('Asia/Shanghai').toISODate()!

test.group('Venue console', () => {
  test('a new venue goes through the setup wizard: details, site, product, sessions, payment channel and official account tested', async ({ browser, assert }) => {
    const venue = await createTenant({ venueName: '青山湖景区 Wizard Park' })
    const schema = venue.tenant.schemaName
    const page = await desktop(browser)
    await page.goto(`/t/${venue.tenant.slug}/console`)
    assert.include(await page.title(), '青山湖景区')
    await screenshot(page, 'console-sign-in')

    await signIn(page, venue.email, 'not-the-password-1')
    await page.getByRole('alert').filter({ hasText: /incorrect/i }).waitFor()
    await signIn(page, venue.email, venue.password)
    await page.waitForURL(/\/console\/onboarding$/)
    await page.getByRole('heading', { name: /开通向导/ }).waitFor()

    // 1. Venue details and branding, and the first site.
    await page.getByLabel('公告 Notice').fill('五一期间延长开放 Open late in May')
    await page.getByLabel('电话 Phone').fill('0571-8888 6666')
    await page.getByRole('button', { name: '保存场馆信息 Save venue details' }).click()
    await page.getByText('场馆信息已保存').waitFor()
    await page.getByLabel('场地名称 Site name').fill('湖滨大门 Lakeside gate')
    await page.getByRole('button', { name: '保存场地 Save site' }).click()
    await page.getByText('✓ 湖滨大门 Lakeside gate').waitFor()
    await screenshot(page, 'console-wizard-venue')
    await page.getByRole('button', { name: '下一步 Next' }).click()

    // 2. The first product (then the wizard moves on by itself).
    await page.getByLabel('名称 Name', { exact: true }).fill('成人票 Adult day ticket')
    await page.getByLabel('价格(元) Price').fill('80')
    await page.getByRole('button', { name: '保存 Save', exact: true }).click()
    await page.getByText('生成场次').first().waitFor()

    // 3. Sessions from the weekly template: today, 09:00–12:00, 100 places of the product.
    await page.getByRole('button', { name: '生成场次 Generate sessions' }).click()
    await page.getByText(/已生成 1 个场次/).waitFor()
    await screenshot(page, 'console-wizard-sessions')
    await page.getByRole('button', { name: '下一步 Next' }).click()

    // 4. A payment channel, with credentials the sandbox issued, and its connection tested.
    const alipay = (await registerSandboxMerchant(sandboxUrl(), 'alipay')) as { appId: string; privateKey: string; alipayPublicKey: string }
    await page.getByLabel('AppID', { exact: true }).fill(alipay.appId)
    await page.getByLabel('应用私钥 App private key (PEM)').fill(alipay.privateKey)
    await page.getByLabel('支付宝公钥 Alipay public key (PEM)').fill(alipay.alipayPublicKey)
    await page.getByRole('button', { name: '保存 Save', exact: true }).click()
    await page.locator('[data-connection="untested"]').waitFor()
    await page.getByRole('button', { name: '测试连接 Test connection' }).click()
    await page.locator('[data-connection="ok"]').waitFor()
    await screenshot(page, 'console-wizard-payment')
    await page.getByRole('button', { name: '下一步 Next' }).click()

    // 5. The official account, tested against the WeChat sandbox.
    const official = (await sandboxPost('/sandbox/wechat/accounts', { name: 'Wizard Park' })) as SandboxOfficialAccountCredentials
    await page.getByLabel('AppID', { exact: true }).fill(official.appId)
    await page.getByLabel('AppSecret').fill(official.appSecret)
    await page.getByLabel('令牌 Token').fill(official.token)
    await page.getByRole('button', { name: '保存 Save', exact: true }).click()
    await page.locator('[data-connection="untested"]').waitFor()
    await page.getByRole('button', { name: '测试连接 Test connection' }).click()
    await page.locator('[data-connection="ok"]').waitFor()
    await screenshot(page, 'console-wizard-official-account')
    await page.getByRole('button', { name: '下一步 Next' }).click()

    await page.getByText('已完成 5/5').waitFor()
    await screenshot(page, 'console-wizard-done')
    await page.getByRole('button', { name: '完成 Finish' }).click()
    await page.waitForURL(/\/console\/orders$/)

    const profile = await db.from(`${schema}.venue_profile`).firstOrFail()
    assert.equal(profile.notice, '五一期间延长开放 Open late in May')
    const [product] = await db.from(`${schema}.products`)
    assert.deepInclude(product, { name: '成人票 Adult day ticket', base_price: 8000 })
    const sessions = await db.from(`${schema}.sessions`)
    assert.lengthOf(sessions, 1)
    assert.equal(DateTime.fromJSDate(sessions[0].starts_at).setZone('Asia/Shanghai').toFormat('yyyy-MM-dd HH:mm'), `${today()} 09:00`)
    const quota = await db.from(`${schema}.quotas`).where('session_id', sessions[0].id).firstOrFail()
    assert.equal(quota.capacity, 100)
    assert.deepEqual((await db.from(`${schema}.payment_accounts`).select('channel', 'test_status')).map((row) => [row.channel, row.test_status]), [['alipay', 'ok']])
    assert.equal((await db.from(`${schema}.wechat_accounts`).firstOrFail()).test_status, 'ok')

    // Signed in again later, the venue is set up: the console opens on its first screen.
    await page.reload()
    await page.waitForURL(/\/console\/orders$/)
  })

  test('staff create a product, publish it, generate a fortnight of sessions and see them on the calendar, and close a day', async ({ browser, assert }) => {
    const venue = await createTenant({ venueName: '星河剧场 Calendar Theatre', venueType: 'theatre' })
    const schema = venue.tenant.schemaName
    await runInTenant(venue.tenant, (trx) => Site.create({ name: '主剧场 Main house', timezone: 'Asia/Shanghai' }, { client: trx }))
    const page = await desktop(browser)
    await page.goto(`/t/${venue.tenant.slug}/console/products`)
    await signIn(page, venue.email, OWNER_PASSWORD)
    await page.getByRole('heading', { name: /产品/ }).waitFor()

    await page.getByRole('button', { name: '新建产品 New product' }).click()
    await page.getByLabel('名称 Name', { exact: true }).fill('夜场演出 Evening show')
    await page.getByLabel('价格(元) Price').fill('180.50')
    await page.getByRole('switch', { name: '实名制 Real name required' }).locator('..').click()
    await page.getByRole('button', { name: '添加档位 Add a tier' }).click()
    await page.getByRole('button', { name: '保存 Save', exact: true }).click()
    const row = page.getByRole('row', { name: /夜场演出/ })
    await row.getByText('草稿 Draft').waitFor()
    await row.getByRole('button', { name: /上架/ }).click()
    await row.getByText('在售 On sale').waitFor()
    await screenshot(page, 'console-products')
    const product = await db.from(`${schema}.products`).firstOrFail()
    assert.deepInclude(product, { base_price: 18050, status: 'on_sale', real_name_required: true })
    assert.deepEqual(product.refund_tiers, [{ hoursBefore: 48, feePercent: 0 }])

    await menu(page).getByText('场次 Sessions').click()
    await page.getByRole('button', { name: '批量生成 Generate' }).click()
    const from = today()
    const to = DateTime.fromISO(from).plus({ days: 13 }).toISODate()!
    await page.getByPlaceholder('开始 From').fill(from)
    await page.getByPlaceholder('结束 To').fill(to)
    await page.getByPlaceholder('结束 To').press('Enter')
    // Weekends off; two performances a day.
    await page.getByRole('dialog').getByText('批量生成场次 Generate sessions').click()
    await page.getByText('周六 Sat').click()
    await page.getByText('周日 Sun').click()
    await page.getByRole('button', { name: '添加时段 Add a slot' }).click()
    await page.getByRole('button', { name: '生成场次 Generate sessions' }).click()
    await page.getByText(/已生成 20 个场次/).waitFor()

    const sessions = await db.from(`${schema}.sessions`).orderBy('starts_at')
    assert.lengthOf(sessions, 20)
    assert.equal(Number((await db.from(`${schema}.quota_products`).where('product_id', product.id).count('* as n'))[0].n), 20)
    const weekday = DateTime.fromISO(from).weekday <= 5 ? from : DateTime.fromISO(from).plus({ days: 8 - DateTime.fromISO(from).weekday }).toISODate()!
    // Today's month is on screen: a weekday of the range shows its two sessions.
    if (weekday.slice(0, 7) === from.slice(0, 7)) {
      await page.locator(`[data-day="${weekday}"]`).getByText('2 场').waitFor()
      await page.locator(`[data-day="${weekday}"]`).getByText('09:00').waitFor()
    }
    await screenshot(page, 'console-sessions-calendar')

    await page.locator(`[data-day="${weekday}"]`).click()
    await page.getByRole('button', { name: '关闭当日 Close this day' }).click()
    await page.getByRole('button', { name: '关闭 Close', exact: true }).click()
    await page.getByText('已关闭 2 个场次').waitFor()
    const closed = await db.from(`${schema}.sessions`).where('status', 'closed')
    assert.lengthOf(closed, 2)
    assert.isTrue(closed.every((s) => DateTime.fromJSDate(s.starts_at).setZone('Asia/Shanghai').toISODate() === weekday))
    await screenshot(page, 'console-sessions-day')
  })

  test("staff approve a visitor's refund request when the venue reviews refunds", async ({ browser, client, assert }) => {
    const sale = await payableVenue(['wechat_pay'])
    const { tenant } = sale
    const owner = await consoleAgent(client, tenant.slug, `owner@${tenant.slug}.test`, OWNER_PASSWORD)
    await setBookingRules(owner, { refundApproval: 'staff' })
    const paid = await paidOrder(client, sale)
    const asked = await client.post(`/t/${tenant.slug}/api/orders/${paid.number}/refunds`).header('X-Order-Token', paid.accessToken).json({ reason: '下雨了 Rain' })
    asked.assertStatus(201)

    const page = await desktop(browser)
    await page.goto(`/t/${tenant.slug}/console/reviews`)
    await signIn(page, `owner@${tenant.slug}.test`, OWNER_PASSWORD)
    const card = page.locator(`[data-order="${paid.number}"]`)
    await card.getByText('下雨了 Rain').waitFor()
    await screenshot(page, 'console-refund-requests')
    await card.getByRole('button', { name: '同意 Approve' }).click()
    await page.getByText('没有待审核的申请').waitFor()
    await eventually(() => viewOrder(client, tenant, paid.number, paid.accessToken), (order) => order.status === 'refunded')

    await page.goto(`/t/${tenant.slug}/console/orders/${paid.number}`)
    await page.getByText('退款成功 Refunded').first().waitFor()
    await page.getByText('同意退票 Refund approved').waitFor()
    await screenshot(page, 'console-order-detail')
    assert.equal((await db.from(`${tenant.schemaName}.refunds`).firstOrFail()).status, 'succeeded')
  })

  test("a clerk without the finance role sees neither payment settings nor the setup, and the API refuses them", async ({ browser, client, assert }) => {
    const venue = await createTenant({ venueName: '古城博物馆 Role Museum', venueType: 'museum' })
    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    ;(await owner.post('/staff', { email: `clerk@${venue.tenant.slug}.test`, fullName: '售票员小李', password: 'staff-pass-2026', roles: ['box_office'] })).assertStatus(201)
    const clerk = await consoleAgent(client, venue.tenant.slug, `clerk@${venue.tenant.slug}.test`, 'staff-pass-2026')
    const me = (await clerk.get('/me')).body()
    assert.notInclude(me.permissions, 'finance:read')
    assert.notInclude(me.permissions, 'reports:read')
    assert.include(me.permissions, 'orders:read')
    ;(await clerk.get('/payment-accounts')).assertStatus(403)
    ;(await clerk.get('/audit')).assertStatus(403)

    const page = await desktop(browser)
    await page.goto(`/t/${venue.tenant.slug}/console/`)
    await signIn(page, `clerk@${venue.tenant.slug}.test`, 'staff-pass-2026')
    await page.waitForURL(/\/console\/orders$/)
    const items = await page.locator('.el-menu-item').allInnerTexts()
    assert.includeMembers(items, ['订单 Orders', '退改审核 Requests', '产品 Products', '场次 Sessions'])
    for (const hidden of ['支付与公众号 Channels', '开通向导 Setup']) assert.notInclude(items, hidden)
    await screenshot(page, 'console-clerk')
    // No write buttons the role lacks: a clerk cannot create products.
    await menu(page).getByText('产品 Products').click()
    await page.getByRole('heading', { name: /产品/ }).waitFor()
    assert.isFalse(await page.getByRole('button', { name: '新建产品 New product' }).isVisible())

    // Opened by its address, a screen the role lacks says so.
    await page.goto(`/t/${venue.tenant.slug}/console/channels`)
    await page.getByText('没有权限 Not allowed').waitFor()

    await page.getByRole('button', { name: '账号菜单 Account menu' }).click()
    await page.getByText('退出登录 Sign out').click()
    await page.getByRole('button', { name: '登录 Sign in' }).waitFor()
    ;(await client.get(`/t/${venue.tenant.slug}/console/api/nothing-here`).header('accept', 'application/json')).assertStatus(404)
  })

  test('a suspended venue shows its console read-only', async ({ browser }) => {
    const venue = await createTenant({ venueName: '暂停乐园 Paused Park', status: 'suspended' })
    await runInTenant(venue.tenant, (trx) => Site.create({ name: 'Gate', timezone: 'Asia/Shanghai' }, { client: trx }))
    const page = await desktop(browser)
    await page.goto(`/t/${venue.tenant.slug}/console/products`)
    await signIn(page, venue.email, venue.password)
    await page.getByText('场馆已被平台暂停').waitFor()
    await page.getByRole('heading', { name: /产品/ }).waitFor()
    await page.getByText('暂无产品').waitFor()
    if (await page.getByRole('button', { name: '新建产品 New product' }).isVisible()) throw new Error('a suspended venue offers changes')
    await screenshot(page, 'console-suspended')
  })
})

/** A visitor's paid order of one ticket. */
async function paidOrder(client: ApiClient, sale: Awaited<ReturnType<typeof payableVenue>>) {
  const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
  const payment = await startPayment(client, sale.tenant, order.number, accessToken, 'wechat_pay')
  await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
  await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')
  return { number: order.number as string, accessToken }
}
