/*
 * The console's member, pass, coupon, distributor and webhook screens (resources/console/views/members/)
 * in Debian Chromium at a desktop size: a tier created and granted with points adjusted, a coupon
 * campaign with generated codes exported, a distributor with its secret shown once, a product
 * authorised and the deposit topped up, a webhook delivered after a paid order, and a pass suspended.
 */
import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { Browser, Page } from 'playwright'
import type { ApiClient } from '@japa/api-client'
import { connectSandboxMerchants } from '#sandbox/sandbox_merchants'
import { deliverDueWebhooks } from '#members/services/webhooks'
import Coupons from '#members/services/coupons'
import type Tenant from '#tenancy/models/tenant'
import { seedSale } from '#tests/helpers/catalog'
import { consoleAgent, createTenant, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { eventually, payableVenue, placeOrder, settle, startPayment, viewOrder } from '#tests/helpers/payments'
import { visitorAgent } from '#tests/helpers/visitors'
import { webhookReceiver } from '#tests/helpers/webhook_receiver'
import { screenshot } from '#tests/helpers/screenshots'
import { passRules } from '#tests/helpers/passes'

const baseURL = () => `http://${process.env.HOST}:${process.env.PORT}`

/** The owner signed in at a console screen, the setup wizard marked as done. */
async function ownerAt(browser: Browser, tenant: Tenant, path: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: baseURL(), locale: 'zh-CN', acceptDownloads: true })
  const page = await context.newPage()
  await page.goto(`/t/${tenant.slug}/console${path}`)
  await page.evaluate((slug) => localStorage.setItem(`tessera.console.${slug}.onboarded`, '1'), tenant.slug)
  await page.getByLabel('邮箱 Email').fill(`owner@${tenant.slug}.test`)
  await page.getByLabel('密码 Password').fill(OWNER_PASSWORD)
  await page.getByRole('button', { name: '登录 Sign in' }).click()
  return page
}

const dialog = (page: Page) => page.getByRole('dialog').last()

test.group('Console: members, coupons, distributors, webhooks and passes', () => {
  test('staff create a tier, grant it at the desk, adjust points and read the ledger', async ({ browser, assert }) => {
    const { tenant } = await createTenant({ venueName: '湖光山色 Member Park' })
    const schema = tenant.schemaName
    await db.table(`${schema}.visitors`).insert({ display_name: '韩梅梅', phone: '13900000002', created_at: new Date(), updated_at: new Date() })
    const page = await ownerAt(browser, tenant, '/member-tiers')
    const menu = await page.locator('.el-menu').innerText()
    for (const entry of ['会员营销', '会员 Members', '年卡 Passes', '优惠券 Coupons', '分销与对接', '分销商 Distributors', '推送 Webhooks']) assert.include(menu, entry)

    await page.getByRole('button', { name: '新建等级 New tier' }).click()
    await page.getByLabel('名称 Name').fill('金卡会员 Gold')
    await page.getByLabel('价格(元) Price').fill('199')
    await page.getByRole('spinbutton', { name: '折扣百分比 Discount percent' }).fill('10')
    await page.getByRole('spinbutton', { name: '积分 Points earned' }).fill('2')
    await page.getByRole('spinbutton', { name: '提前小时 Priority hours' }).fill('48')
    await dialog(page).getByRole('button', { name: '保存 Save' }).click()
    const row = page.getByRole('row', { name: /金卡会员 Gold/ })
    await row.getByText('¥199.00').waitFor()
    await row.getByText('9折 Pays 90%').waitFor()
    await screenshot(page, 'console-member-tiers')
    const tier = await db.from(`${schema}.member_tiers`).firstOrFail()
    assert.deepInclude(tier, { price: 19900, validity_days: 365, discount_percent: 10, earn_points: 2, earn_per_fen: 100, priority_hours: 48, status: 'active' })

    await page.locator('.el-overlay-dialog').waitFor({ state: 'hidden' })
    await page.locator('.el-menu').getByText('会员 Members', { exact: true }).click()
    await page.getByRole('button', { name: '开通会员 Grant membership' }).click()
    await page.getByLabel('手机号 Phone', { exact: true }).last().fill('13900000002')
    await page.locator('.el-select', { has: page.getByRole('combobox', { name: '会员等级 Tier' }) }).click()
    await page.getByRole('option', { name: /金卡会员 Gold/ }).click()
    // A paid tier asks what was taken at the desk (the tier's price by default).
    assert.equal(await page.getByLabel('前台实收(元) Paid at desk').inputValue(), '199.00')
    await page.getByLabel('备注 Note').fill('前台现金收款 Paid in cash')
    await dialog(page).getByRole('button', { name: '开通 Grant' }).click()
    await page.waitForURL(/\/console\/members\/\d+$/)
    await page.getByText('员工开通 Granted').waitFor()

    await page.getByRole('button', { name: '调整积分 Adjust points' }).click()
    await page.getByRole('spinbutton', { name: '积分变动 Points change' }).fill('120')
    await page.getByLabel('原因 Reason').fill('开卡赠送 Welcome gift')
    await dialog(page).getByRole('button', { name: '确定 Confirm' }).click()
    await page.getByTestId('points-balance').filter({ hasText: /^120$/ }).waitFor()
    const ledger = page.getByRole('table').last()
    await ledger.getByText('人工调整 Adjusted').waitFor()
    await ledger.getByText('开卡赠送 Welcome gift').waitFor()
    await screenshot(page, 'console-member-detail')

    const member = await db.from(`${schema}.members`).firstOrFail()
    assert.deepInclude(member, { status: 'active', points: 120, source: 'staff' })
    const audit = await db.from(`${schema}.audit_logs`).where('action', 'member.granted').firstOrFail()
    assert.equal(audit.meta.paidAmount, 19900)
  })

  test('staff create a coupon campaign with 50 generated codes, see them and export them', async ({ browser, assert }) => {
    const { tenant } = await createTenant({ venueName: '优惠乐园 Coupon Park' })
    await seedSale(tenant)
    const page = await ownerAt(browser, tenant, '/coupons')
    await page.getByRole('button', { name: '新建活动 New campaign' }).click()
    await page.getByLabel('名称 Name').fill('春季立减 Spring 20 off')
    await page.getByLabel('减免(元) Amount').fill('20')
    await page.getByLabel('最低消费(元) Min spend').fill('100')
    await page.getByRole('spinbutton', { name: '生成数量 How many codes' }).fill('50')
    await dialog(page).getByRole('button', { name: '创建 Create' }).click()
    // The new campaign's codes open at once.
    await page.getByText('50 个 codes').waitFor()
    await screenshot(page, 'console-coupon-codes')
    const codes = await db.from(`${tenant.schemaName}.coupon_codes`).select('code')
    assert.lengthOf(codes, 50)
    await page.getByText(codes[0].code).waitFor()

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV Export' }).click()])
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n')
    assert.lengthOf(lines, 51)
    assert.include(lines[1], codes[0].code)

    await page.keyboard.press('Escape')
    await page.locator('.el-drawer').waitFor({ state: 'hidden' })
    const row = page.getByRole('row', { name: /春季立减/ })
    await row.getByText('50 / 0').waitFor()
    await row.getByText('满 ¥100.00').waitFor()
    await screenshot(page, 'console-coupons')
    const campaign = await db.from(`${tenant.schemaName}.coupon_campaigns`).firstOrFail()
    assert.deepInclude(campaign, { kind: 'amount_off', value: 2000, min_spend: 10000, uses_per_code: 1, give_back_on_refund: true })
  })

  test('staff edit a campaign into a voucher with reserved places, and add codes', async ({ browser, assert }) => {
    const { tenant } = await createTenant({ venueName: '预留乐园 Reserve Park' })
    const sale = await seedSale(tenant, { quotas: [{ capacity: 20 }] })
    await Coupons.for(tenant).create({ name: '团队券 Team', kind: 'amount_off', value: 1000, code: 'TEAM-2026' })
    const page = await ownerAt(browser, tenant, '/coupons')
    await page.getByRole('button', { name: '编辑 团队券 Team' }).click()
    // The date picker's panel is a dialog too: name the edit dialog.
    const edit = page.getByRole('dialog', { name: /编辑 Edit/ })
    await edit.getByLabel('名称 Name').fill('团队预留 Team reserve')
    await edit.getByText('仅解锁 Unlock only').click()
    const day = sale.session.startsAt.setZone('Asia/Shanghai').toISODate()!
    await edit.getByLabel('预留日期 Day').fill(day)
    await edit.getByLabel('预留日期 Day').blur()
    await edit.locator('.el-select', { has: page.getByRole('combobox', { name: '预留场次 Session' }) }).click()
    await page.locator('.el-select-dropdown__item:visible').first().click()
    await edit.getByRole('spinbutton', { name: '预留数量 Places to set aside' }).fill('3')
    await edit.getByRole('button', { name: '添加 Add' }).click()
    await edit.getByRole('spinbutton', { name: `预留名额 Places for session ${sale.session.id}` }).waitFor()
    await screenshot(page, 'console-coupon-edit')
    await edit.getByRole('button', { name: '保存 Save' }).click()

    const row = page.getByRole('row', { name: /团队预留/ })
    await row.getByText('预留 3 个名额').waitFor()
    await row.getByText('仅解锁 Unlock only').waitFor()
    assert.equal((await db.from(`${tenant.schemaName}.quotas`).where('id', sale.quotas[0].id).firstOrFail()).reserved, 3)

    await row.getByRole('button', { name: '券码 团队预留 Team reserve' }).click()
    await page.getByText('1 个 codes').waitFor()
    await page.getByRole('spinbutton', { name: '生成数量 How many codes' }).fill('5')
    await page.getByRole('button', { name: '添加券码 Add codes' }).click()
    await page.getByText('6 个 codes').waitFor()
    await screenshot(page, 'console-coupon-add-codes')
    assert.lengthOf(await db.from(`${tenant.schemaName}.coupon_codes`), 6)
  })

  test('staff create a distributor (secret shown once), authorise a product at a settlement price and top up its deposit', async ({ browser, assert }) => {
    const { tenant } = await createTenant({ venueName: '分销景区 Partner Park' })
    const { products } = await seedSale(tenant)
    const page = await ownerAt(browser, tenant, '/distributors')
    await page.getByRole('button', { name: '新建分销商 New distributor' }).click()
    await page.getByLabel('名称 Name').fill('飞猪旅行 Fliggy')
    await page.getByLabel('联系人 Contact').fill('张经理')
    await dialog(page).getByRole('button', { name: '保存 Save' }).click()

    await page.getByText('密钥只显示这一次').waitFor()
    const secret = await page.getByLabel('密钥 Secret').inputValue()
    assert.match(secret, /^dsk_/)
    await screenshot(page, 'console-distributor-secret')
    const row = await db.from(`${tenant.schemaName}.distributors`).firstOrFail()
    assert.notInclude(JSON.stringify(row), secret)
    await page.getByRole('button', { name: '我已保存 I have saved it' }).click()
    await page.waitForURL(/\/console\/distributors\/\d+$/)

    // Above the sale price (¥80): the API's refusal is shown, and nothing is authorised.
    await page.getByRole('button', { name: '授权产品 Authorise a product' }).click()
    await page.getByRole('combobox', { name: '产品 Product' }).click()
    await page.getByRole('option', { name: /Ticket 1/ }).click()
    await page.getByLabel('结算价(元) Settlement').fill('90')
    await dialog(page).getByRole('button', { name: '授权 Authorise' }).click()
    await dialog(page).getByRole('alert').getByText(/cannot be above today's sale price/).waitFor()
    await page.getByLabel('结算价(元) Settlement').fill('65.50')
    await dialog(page).getByRole('button', { name: '授权 Authorise' }).click()
    await page.getByRole('row', { name: /Ticket 1/ }).getByText('¥65.50').waitFor()
    const authorised = await db.from(`${tenant.schemaName}.distributor_products`).firstOrFail()
    assert.deepInclude(authorised, { product_id: products[0].id, settlement_price: 6550 })

    await page.getByRole('tab', { name: '预存款与对账 Deposit & statement' }).click()
    await page.getByLabel('金额(元) Amount').fill('500')
    await page.getByLabel('银行流水号 Reference').fill('BANK-20261125-01')
    await page.getByRole('button', { name: '确认 Confirm' }).click()
    await page.getByTestId('deposit-balance').getByText('¥500.00').waitFor()
    const ledger = page.getByRole('table', { name: '资金流水 Deposit ledger' }).or(page.locator('[aria-label="资金流水 Deposit ledger"]')).first()
    await ledger.getByText('BANK-20261125-01').waitFor()
    await ledger.getByText('充值 Top-up').waitFor()
    await screenshot(page, 'console-distributor-deposit')
    assert.equal(Number((await db.from(`${tenant.schemaName}.distributors`).firstOrFail()).balance), 50000)

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载对账单 CSV Download' }).click()])
    const csv = await readFile((await download.path())!, 'utf8')
    assert.include(csv, 'BANK-20261125-01')
    assert.include(csv, 'closing_balance')
  })

  test('staff add a webhook endpoint (secret once) and see a paid order delivered, then redeliver it', async ({ browser, client, assert }) => {
    const sale = await payableVenue(['wechat_pay'])
    const hook = await webhookReceiver()
    try {
      const page = await ownerAt(browser, sale.tenant, '/webhooks')
      await page.getByRole('button', { name: '新建推送地址 New endpoint' }).click()
      await page.getByLabel('地址 URL').fill(hook.url)
      await page.getByLabel('说明 Description').fill('财务系统 Finance ERP')
      await page.getByText('门票已核销 Ticket checked in').click()
      await dialog(page).getByRole('button', { name: '保存 Save' }).click()
      await page.getByText('密钥只显示这一次').waitFor()
      const secret = await page.getByLabel('密钥 Secret').inputValue()
      assert.match(secret, /^whsec_/)
      hook.useSecret(secret)
      await page.getByRole('button', { name: '我已保存 I have saved it' }).click()
      await page.getByRole('row', { name: /Finance ERP/ }).getByText('订单已支付 Order paid').waitFor()

      const { order, accessToken } = await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
      const payment = await startPayment(client, sale.tenant, order.number, accessToken, 'wechat_pay')
      await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
      await eventually(() => viewOrder(client, sale.tenant, order.number, accessToken), (o) => o.status === 'issued')
      await deliverDueWebhooks(sale.tenant)
      assert.lengthOf(hook.received, 1)
      assert.isTrue(hook.received[0].verified)

      await page.getByRole('button', { name: `投递记录 ${hook.url}` }).click()
      const log = page.locator('.el-drawer')
      await log.getByText('已送达 Delivered').waitFor()
      await log.getByText('HTTP 200').waitFor()
      await screenshot(page, 'console-webhook-deliveries')
      // Sent again now, with the same event id: the sender picks it up at once.
      await log.getByRole('button', { name: /重新发送 Redeliver/ }).click()
      await log.getByText('待发送 Pending').waitFor()
      await deliverDueWebhooks(sale.tenant)
      await log.getByRole('button', { name: '刷新 Refresh' }).click()
      await log.getByRole('cell', { name: '2', exact: true }).waitFor()
      assert.lengthOf(hook.received, 2)
      assert.equal(hook.received[1].eventId, hook.received[0].eventId)
    } finally {
      await hook.close()
    }
  })

  test('staff find an annual pass by its holder, suspend it with a reason, and see the pass rules in the product form', async ({ browser, client, assert }) => {
    const { tenant, number } = await soldPass(client)
    const page = await ownerAt(browser, tenant, '/passes')
    await page.getByLabel('持卡人 Holder').fill('002X')
    await page.getByRole('button', { name: '查询 Search' }).click()
    await page.getByRole('row', { name: /李\*/ }).getByText('待激活 Not activated').waitFor()
    await screenshot(page, 'console-passes')
    await page.getByRole('row', { name: /李\*/ }).getByRole('link').click()
    await page.waitForURL(/\/console\/passes\/\d+$/)
    await page.getByRole('link', { name: number }).waitFor()

    await page.getByRole('button', { name: '暂停 Suspend' }).click()
    await page.getByPlaceholder('原因 Reason').fill('挂失 Card reported lost')
    await page.getByRole('button', { name: '确定 Confirm' }).click()
    await page.getByTestId('pass-status').getByText('已暂停 Suspended').waitFor()
    await page.getByText('原因 Reason: 挂失 Card reported lost').waitFor()
    await page.locator('.el-timeline').getByText('挂失 Card reported lost').waitFor()
    await screenshot(page, 'console-pass-suspended')
    const pass = await db.from(`${tenant.schemaName}.passes`).firstOrFail()
    assert.deepInclude(pass, { status: 'suspended', status_reason: '挂失 Card reported lost' })

    // The pass product's rules are edited in the product form.
    await page.locator('.el-menu').getByText('产品 Products').click()
    await page.getByRole('button', { name: '编辑 年卡 Annual pass' }).click()
    const rules = page.getByRole('group', { name: '年卡规则 Pass rules' })
    await rules.getByRole('spinbutton', { name: '有效期长度 Validity length' }).fill('180')
    await screenshot(page, 'console-pass-product')
    await dialog(page).getByRole('button', { name: '保存 Save', exact: true }).click()
    await page.getByText('已保存 Saved').waitFor()
    const product = await db.from(`${tenant.schemaName}.products`).where('kind', 'annual_pass').firstOrFail()
    assert.deepEqual(product.pass_rules.validity, { unit: 'days', length: 180 })
    assert.equal(product.pass_rules.renewal.price, 20000)
  })
})

/** A venue selling an annual pass (through the console API) and a visitor who bought and paid one. */
async function soldPass(client: ApiClient) {
  const { tenant, email, password } = await createTenant({ venueName: '年卡乐园 Pass Park' })
  await connectSandboxMerchants(tenant, { kinds: ['wechat_pay'] })
  const owner = await consoleAgent(client, tenant.slug, email, password)
  const site = (await owner.post('/sites', { name: 'Main gate' })).body().site
  const created = await owner.post('/products', {
    siteId: site.id,
    name: '年卡 Annual pass',
    kind: 'annual_pass',
    basePrice: 30000,
    validity: 'open_date',
    realNameRequired: true,
    passRules: passRules(),
  })
  created.assertStatus(201)
  const product = created.body().product
  ;(await owner.patch(`/products/${product.id}`, { status: 'on_sale' })).assertStatus(200)
  const session = await owner.post('/sessions', { siteId: site.id, kind: 'open_date', name: 'Passes', startsAt: DateTime.now().minus({ days: 1 }).toISO(), endsAt: DateTime.now().plus({ days: 300 }).toISO() })
  session.assertStatus(201)
  const sessionId = session.body().session.id
  ;(await owner.post(`/sessions/${sessionId}/quotas`, { name: 'Passes', capacity: 10, productIds: [product.id] })).assertStatus(201)
  const { agent } = await visitorAgent(client, tenant.slug, `pass-${randomUUID()}@visitor.test`)
  const placed = await agent.withHeaders({ 'Idempotency-Key': randomUUID() }).post('/orders', {
    items: [{ productId: product.id, sessionId, quantity: 1 }],
    holders: [{ item: 0, name: '李小龙', idNumber: '11010519491231002X', phone: '13812345678' }],
    contact: { name: '李小龙', phone: '13812345678' },
  })
  placed.assertStatus(201)
  const { order, accessToken } = placed.body()
  const payment = await startPayment(client, tenant, order.number, accessToken, 'wechat_pay')
  await settle('wechat_pay', payment.merchantId, payment.outTradeNo)
  await eventually(() => db.from(`${tenant.schemaName}.passes`).select('id'), (rows) => rows.length === 1)
  return { tenant, number: order.number as string }
}
