/*
 * The visitor's account on the H5: signing up with an email and password, a saved visitor (常用游客)
 * used at checkout without retyping the ID, the member card (join a free tier, points), points used
 * at checkout and paid by UnionPay at the sandbox cashier (its return is a form POST carrying the
 * browser's cookies), the balance after; and the passes page.
 */
import { test } from '@japa/runner'
import type { Page } from 'playwright'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { connectSandboxMerchants } from '#sandbox/sandbox_merchants'
import { consoleAgent, createTenant, OWNER_PASSWORD } from '#tests/helpers/tenants'
import { payableVenue } from '#tests/helpers/payments'
import { screenshot } from '#tests/helpers/screenshots'
import { ID_NUMBER, atCashier, orderNumberIn, phonePage, setProduct } from './visitor_pages.js'
import { passRules } from '#tests/helpers/passes'

/** A venue paying by Alipay or UnionPay, selling a real-name ticket at ¥100, with a free tier earning 1 point per yuan. */
async function memberVenue(client: ApiClient) {
  const sale = await payableVenue(['alipay', 'unionpay'], { products: [{ price: 10000 }], quotas: [{ capacity: 20 }] })
  await setProduct(sale.tenant, sale.products[0].id, { name: '实名门票 Real-name entry', real_name_required: true })
  const staff = await consoleAgent(client, sale.tenant.slug, `owner@${sale.tenant.slug}.test`, OWNER_PASSWORD)
  const tier = (await staff.post('/member-tiers', { name: '普通会员 Member', price: 0, earnPoints: 1, earnPerFen: 100, discountPercent: 0 })).body().tier
  return { ...sale, staff, tier }
}

/** ¥90 or ¥90.00 → 9000. */
const fen = (text: string) => Math.round(Number(text.replace(/[^\d.]/g, '')) * 100)

async function signUpByEmail(page: Page, email: string) {
  await page.getByRole('link', { name: '登录' }).click()
  await page.getByRole('tab', { name: '邮箱登录' }).click()
  await page.getByRole('button', { name: '没有账号？注册' }).click()
  await page.getByLabel('邮箱').fill(email)
  await page.getByLabel('密码').fill('short')
  await page.getByRole('button', { name: '注册新账号' }).click()
  await page.getByRole('alert').filter({ hasText: '密码至少 10 位' }).waitFor()
  await page.getByLabel('密码').fill('Visitor-pass-2024')
  await screenshot(page, 'visitor-sign-up-email')
  await page.getByRole('button', { name: '注册新账号' }).click()
  await page.getByText('已登录').waitFor()
}

test.group('Visitor H5: account, member card, points', () => {
  test('sign up by email, save a visitor, join the free tier, buy with points for the saved visitor, pay by UnionPay, see the balance', async ({ browser, client, assert }) => {
    const venue = await memberVenue(client)
    const { tenant } = venue
    const page = await phonePage(browser)
    await page.goto(`/t/${tenant.slug}/my`)
    await signUpByEmail(page, 'traveller@example.cn')

    // 常用游客
    await page.getByText('常用游客').click()
    await page.getByLabel('姓名').fill('张三')
    await page.getByLabel('身份证号').fill(ID_NUMBER)
    await page.getByRole('button', { name: '保存' }).click()
    await page.getByText('110105********002X').waitFor()
    await page.getByText('返回').click()

    // 会员卡: join the free tier.
    await page.getByText('会员卡').click()
    await page.getByRole('button', { name: '免费加入' }).click()
    await page.getByTestId('member-card').filter({ hasText: '普通会员 Member' }).waitFor()
    assert.equal(await page.getByTestId('points-balance').innerText(), '0')
    const member = (await venue.staff.get('/members')).body().members[0]
    ;(await venue.staff.post(`/members/${member.id}/points`, { delta: 1000, reason: 'Welcome gift' })).assertStatus(200)
    await page.reload()
    await page.getByTestId('points-balance').filter({ hasText: '1000' }).waitFor()
    await screenshot(page, 'visitor-member-card')

    // Buying: the saved visitor, no ID typed; points worth ¥10 off.
    await page.goto(`/t/${tenant.slug}/buy/${venue.products[0].id}`)
    const holder = page.locator('[data-holder="0"]')
    await holder.getByRole('button', { name: '选择常用游客' }).click()
    await page.getByRole('dialog').getByText('张三').click()
    await holder.getByTestId('saved-holder').filter({ hasText: '110105********002X' }).waitFor()
    // The server's quote before ordering: a code it would refuse shows on the coupon field; then the points' discount.
    await page.getByTestId('quote').filter({ hasText: '应付¥100' }).waitFor()
    await page.getByLabel('优惠码').fill('NO-SUCH-CODE')
    await page.getByTestId('coupon-field').filter({ hasText: 'No such coupon code' }).waitFor()
    await screenshot(page, 'visitor-buy-coupon-refused')
    await page.getByLabel('优惠码').fill('')
    await page.getByRole('switch', { name: '积分抵扣' }).click()
    await page.getByTestId('points-estimate').filter({ hasText: '预计抵扣 ¥10（使用 1000 积分）' }).waitFor()
    await page.getByTestId('quote').filter({ hasText: '积分−¥10' }).waitFor()
    await page.getByTestId('total').filter({ hasText: '¥90' }).waitFor()
    assert.equal(await page.getByTestId('quote').innerText(), '小计\n¥100\n积分\n−¥10\n应付\n¥90')
    const quoted = fen(await page.getByTestId('quote-total').innerText())
    await page.getByLabel('手机号').fill('13700001111')
    await screenshot(page, 'visitor-buy-saved-holder-points')
    await page.getByRole('button', { name: '提交订单' }).click()

    await page.waitForURL(/\/pay\/T/)
    const number = orderNumberIn(page)
    await page.getByTestId('discount').filter({ hasText: '已优惠 ¥10.00' }).waitFor()
    assert.equal(fen(await page.getByTestId('amount').innerText()), quoted)
    await page.locator('[data-channel="unionpay"]').click()
    await page.getByRole('button', { name: /立即支付 ¥90.00/ }).click()
    await page.waitForURL(/sandbox\/cashier/)
    await atCashier(page, 'pay')
    await page.waitForURL(new RegExp(`/pay/${number}\\?returned=1`))
    await page.getByTestId('pay-result').filter({ hasText: '支付成功' }).waitFor({ timeout: 25_000 })
    await page.getByRole('button', { name: '查看电子票' }).click()
    await page.locator('.ticket .qr svg').waitFor()
    assert.include(await page.locator('.ticket').innerText(), '110105********002X')

    // The balance: 1000 used, 90 earned on the ¥90 paid.
    await page.goto(`/t/${tenant.slug}/my/member`)
    await page.getByTestId('points-balance').filter({ hasText: /^90$/ }).waitFor()
    const ledger = await page.getByTestId('points-ledger').innerText()
    assert.include(ledger, '下单抵扣')
    assert.include(ledger, '-1000')
    assert.include(ledger, '+90')
    await screenshot(page, 'visitor-member-points-after')

    const [ticket] = await db.from(`${tenant.schemaName}.order_tickets`).select('holder_name', 'status')
    assert.deepEqual(ticket, { holder_name: '张三', status: 'valid' })
    const order = await db.from(`${tenant.schemaName}.orders`).where('number', number).firstOrFail()
    assert.deepInclude(order, { status: 'issued', total_amount: 9000, discount_amount: 1000, paid_amount: 9000 })

    // 我的年卡: none bought yet.
    await page.goto(`/t/${tenant.slug}/my`)
    await page.getByText('我的年卡').click()
    await page.getByTestId('no-passes').waitFor()

    // Signed out and in again with the password.
    await page.goto(`/t/${tenant.slug}/my`)
    await page.getByRole('button', { name: '退出登录' }).click()
    await page.getByRole('link', { name: '登录' }).click()
    await page.getByRole('tab', { name: '邮箱登录' }).click()
    await page.getByLabel('邮箱').fill('traveller@example.cn')
    await page.getByLabel('密码').fill('Visitor-pass-2024')
    await page.locator('form').getByRole('button', { name: '登录' }).click()
    await page.getByText('已登录').waitFor()

    // English, loaded when chosen and remembered: a fresh load mounts with its words.
    await page.getByText('English').click()
    await page.getByText('Member card').waitFor()
    await page.reload()
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
  })

  test('my passes: the QR, activating a pass, renewing it at the cashier', async ({ browser, client, assert }) => {
    const { tenant, email, password } = await createTenant()
    await connectSandboxMerchants(tenant, { kinds: ['alipay'] })
    const owner = await consoleAgent(client, tenant.slug, email, password)
    const site = (await owner.post('/sites', { name: 'Main gate' })).body().site
    const rules = passRules({ validity: { unit: 'days', length: 20 }, activation: 'manual', entries: 10 })
    const created = await owner.post('/products', { siteId: site.id, name: '年卡 Annual pass', kind: 'annual_pass', basePrice: 0, validity: 'open_date', realNameRequired: true, passRules: rules })
    created.assertStatus(201)
    const product = created.body().product
    ;(await owner.patch(`/products/${product.id}`, { status: 'on_sale' })).assertStatus(200)
    const session = await owner.post('/sessions', { siteId: site.id, kind: 'open_date', name: 'Passes', startsAt: DateTime.now().minus({ days: 1 }).toISO(), endsAt: DateTime.now().plus({ days: 300 }).toISO() })
    const sessionId = session.body().session.id
    ;(await owner.post(`/sessions/${sessionId}/quotas`, { name: 'Passes', capacity: 10, productIds: [product.id] })).assertStatus(201)

    const page = await phonePage(browser)
    await page.goto(`/t/${tenant.slug}/my`)
    await signUpByEmail(page, 'pass-holder@example.cn')
    // The pass (free here) bought with this browser's session, as the buy page would.
    const xsrf = decodeURIComponent((await page.context().cookies()).find((cookie) => cookie.name === 'XSRF-TOKEN')!.value)
    const bought = await page.request.post(`/t/${tenant.slug}/api/orders`, {
      headers: { 'idempotency-key': `pass-${Date.now()}`, 'x-xsrf-token': xsrf },
      data: { items: [{ productId: product.id, sessionId, quantity: 1 }], holders: [{ item: 0, name: '张三', idNumber: ID_NUMBER }], contact: { phone: '13700001111' } },
    })
    assert.equal(bought.status(), 201, await bought.text())

    await page.getByText('我的年卡').click()
    const pass = page.locator('.pass')
    await pass.filter({ hasText: '待激活' }).waitFor()
    await pass.locator('.qr svg').waitFor()
    assert.include(await pass.innerText(), '110105********002X')
    await screenshot(page, 'visitor-passes-pending')
    await pass.getByRole('button', { name: '立即激活' }).click()
    await page.getByRole('dialog').getByRole('button', { name: '立即激活' }).click()
    await pass.filter({ hasText: '有效' }).filter({ hasText: '有效期至' }).waitFor()
    assert.include(await pass.innerText(), '剩余次数\n10')

    // Valid for 20 days: its renewal window (30 days before the end) is open.
    await pass.getByRole('button', { name: '续卡 ¥200' }).click()
    await page.waitForURL(/\/pay\/T/)
    await page.getByTestId('amount').filter({ hasText: '¥200.00' }).waitFor()
    await page.getByRole('button', { name: /立即支付 ¥200.00/ }).click()
    await page.waitForURL(/sandbox\/cashier/)
    await atCashier(page, 'pay')
    await page.getByTestId('pay-result').filter({ hasText: '支付成功，已记入您的账户' }).waitFor({ timeout: 25_000 })
    await page.getByRole('button', { name: '返回我的' }).click()
    await page.getByText('我的年卡').click()
    await pass.filter({ hasText: '有效期至' }).waitFor()
    await screenshot(page, 'visitor-passes-renewed')
    const [row] = await db.from(`${tenant.schemaName}.passes`).select('status', 'valid_until', 'activated_at')
    assert.equal(row.status, 'active')
    // Renewed: another 20 days after the first period.
    assert.closeTo((row.valid_until.getTime() - row.activated_at.getTime()) / 86_400_000, 40, 1.5)
  })
})
