/*
 * The console's statistics, exports, settlement, staff, roles and audit screens in Debian Chromium
 * at a desktop size, on a real day of trade (tests/functional/reports/report_fixtures.ts): the
 * figures on screen equal the database's, downloaded files open and agree with it, finance staff
 * confirm a settlement day, and what a member sees follows their roles, custom roles included.
 */
import { Readable } from 'node:stream'
import { readFile } from 'node:fs/promises'
import { test } from '@japa/runner'
import ExcelJS from 'exceljs'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { Browser, Page } from 'playwright'
import type Tenant from '#tenancy/models/tenant'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { commissionByChannel, onCommissionPlan, today, tradingDay } from '#tests/functional/reports/report_fixtures'
import { screenshot } from '#tests/helpers/screenshots'

const baseURL = () => `http://${process.env.HOST}:${process.env.PORT}`

async function desktop(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: baseURL(), locale: 'zh-CN', acceptDownloads: true })
  return context.newPage()
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('邮箱 Email').fill(email)
  await page.getByLabel('密码 Password').fill(password)
  await page.getByRole('button', { name: '登录 Sign in' }).click()
  await page.getByRole('button', { name: '账号菜单 Account menu' }).waitFor()
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: '账号菜单 Account menu' }).click()
  await page.getByText('退出登录 Sign out').click()
  await page.getByRole('button', { name: '登录 Sign in' }).waitFor()
}

const menuItems = (page: Page) => page.locator('.el-menu-item').allInnerTexts()
const openMenu = (page: Page, title: string) => page.locator('.el-menu-item', { hasText: title }).click()

/** "¥466.67", as the console writes fen. */
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

/** Σ of a column over rows whose time column falls in Beijing days [from, to]. */
async function total(tenant: Tenant, table: string, column: string, at: string, where: Record<string, string>, [from, to]: [string, string]) {
  const start = DateTime.fromISO(from, { zone: 'Asia/Shanghai' }).startOf('day').toJSDate()
  const end = DateTime.fromISO(to, { zone: 'Asia/Shanghai' }).plus({ days: 1 }).startOf('day').toJSDate()
  const [row] = await db
    .from(`${tenant.schemaName}.${table}`)
    .where(where)
    .where(at, '>=', start)
    .where(at, '<', end)
    .select(db.raw(`coalesce(sum(${column}), 0)::bigint as sum, count(*)::int as count`))
  return { sum: Number(row.sum), count: Number(row.count) }
}

/** Saves a screenshot once no table is loading (the mask fades over what it covers). */
async function settledScreenshot(page: Page, name: string) {
  // A string: the server's TypeScript has no DOM types.
  await page.waitForFunction(`![...document.querySelectorAll('.el-loading-mask')].some((mask) => mask.offsetParent !== null)`)
  await screenshot(page, name)
}

/** The figure a statistics card shows. */
const figure = (page: Page, key: string) => page.locator(`[data-figure="${key}"] [data-value]`).innerText()

test.group('Venue console: statistics, exports and settlement', () => {
  test('finance staff see the figures the database holds, download exports that agree with it, and confirm settlement days', async ({ browser, client, assert }) => {
    const day = await tradingDay(client)
    const { tenant, owner } = day
    const email = `finance@${tenant.slug}.test`
    const created = await owner.post('/staff', { email, fullName: '财务小陈', password: 'finance-pass-2026', roles: ['finance'] })
    created.assertStatus(201)
    const financeId = created.body().staff.id

    const page = await desktop(browser)
    await page.goto(`/t/${tenant.slug}/console/statistics`)
    await signIn(page, email, 'finance-pass-2026')
    await page.getByRole('heading', { name: /统计/ }).waitFor()
    assert.includeMembers(await menuItems(page), ['统计 Statistics', '导出 Exports', '财务对账 Settlement'])

    // The default range is the last 30 days; then "today". Each time the cards equal the database.
    const thirty: [string, string] = [DateTime.fromISO(today()).minus({ days: 29 }).toISODate()!, today()]
    for (const [preset, range] of [[null, thirty], ['今天 Today', [today(), today()]]] as const) {
      if (preset) await page.getByRole('button', { name: preset }).click()
      const sales = await total(tenant, 'orders', 'total_amount', 'paid_at', {}, [...range])
      const paid = await total(tenant, 'payments', 'amount', 'paid_at', { status: 'paid' }, [...range])
      const refunded = await total(tenant, 'refunds', 'amount', 'completed_at', { status: 'succeeded' }, [...range])
      await page.locator('[data-figure="sales"] [data-value]', { hasText: yuan(sales.sum) }).waitFor()
      assert.equal(await figure(page, 'sales'), yuan(sales.sum))
      assert.equal(await figure(page, 'orders'), String(sales.count))
      assert.equal(await figure(page, 'paid'), yuan(paid.sum))
      assert.equal(await figure(page, 'refunded'), yuan(refunded.sum))
      assert.equal(await figure(page, 'net'), yuan(paid.sum - refunded.sum))
    }
    // The documented trading day: 466.67 sold, 170.00 refunded (docs/reports.md).
    assert.equal(await figure(page, 'sales'), '¥466.67')
    assert.equal(await figure(page, 'refunded'), '¥170.00')
    assert.equal(await page.locator('canvas').count() >= 4, true, 'the charts are drawn')
    await screenshot(page, 'console-statistics')
    // The screen scrolls inside the frame: the charts below, for a person to look at.
    await page.locator('.el-main').evaluate((main) => main.scrollTo(0, 880))
    await screenshot(page, 'console-statistics-charts')
    await page.locator('.el-main').evaluate((main) => main.scrollTo(0, main.scrollHeight))
    await screenshot(page, 'console-statistics-sessions')

    // Exports: today's orders as CSV, today's refunds as XLSX, each as the database has them.
    await openMenu(page, '导出 Exports')
    await page.getByRole('heading', { name: /导出/ }).waitFor()
    await page.getByRole('button', { name: '今天 Today' }).click()
    await screenshot(page, 'console-exports')
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByText('下载 CSV').click()])
    assert.equal(csv.suggestedFilename(), `orders_${today()}_${today()}.csv`)
    const csvBytes = await readFile((await csv.path())!)
    assert.deepEqual([...csvBytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    const csvBook = new ExcelJS.Workbook()
    const sheet = await csvBook.csv.read(Readable.from([csvBytes.subarray(3).toString('utf8')]), { map: (value: string) => value } as any)
    const [, header, ...lines] = sheet.getSheetValues() as string[][]
    const orders = await db.from(`${tenant.schemaName}.orders`).select('number', 'total_amount')
    const exported = lines.filter(Boolean).map((line) => Object.fromEntries(header.slice(1).map((name, index) => [name, line[index + 1]])))
    assert.sameMembers(exported.map((row) => row['订单号']), orders.map((order) => order.number))
    for (const order of orders) assert.equal(exported.find((row) => row['订单号'] === order.number)!['订单金额'], (order.total_amount / 100).toFixed(2))

    await page.locator('.el-radio-group').getByText('退款 Refunds', { exact: true }).click()
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByText('下载 Excel').click()])
    assert.equal(xlsx.suggestedFilename(), `refunds_${today()}_${today()}.xlsx`)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await readFile((await xlsx.path())!)) as any)
    const refundSheet = book.getWorksheet('refunds')!
    const refundHeader = (refundSheet.getRow(1).values as string[]).slice(1)
    const refunds = await db.from(`${tenant.schemaName}.refunds`).select('out_refund_no', 'amount')
    assert.equal(refundSheet.actualRowCount - 1, refunds.length)
    const amounts = new Map<string, number>()
    for (let r = 2; r <= refundSheet.actualRowCount; r++) {
      const row = refundSheet.getRow(r)
      amounts.set(String(row.getCell(refundHeader.indexOf('退款单号') + 1).value), Number(row.getCell(refundHeader.indexOf('退款金额') + 1).value))
    }
    for (const refund of refunds) assert.equal(amounts.get(refund.out_refund_no), refund.amount / 100)

    // Settlement: a clean WeChat Pay day is fetched and confirmed without a note.
    await openMenu(page, '财务对账 Settlement')
    await page.getByRole('heading', { name: /财务对账/ }).waitFor()
    const todayRow = (channel: string) => page.locator('.el-table__row', { hasText: today() }).filter({ hasText: channel })
    await todayRow('微信支付').getByText('未获取 Not fetched').waitFor()
    await settledScreenshot(page, 'console-finance-list')
    // Without a plan the platform takes no commission, and the screen says so instead of listing zeros.
    await page.locator('[data-commission="none"]').waitFor()
    assert.equal(await page.locator('[data-commission-day]').count(), 0)
    // On a 2.50% plan: the total and each channel's day equal the orders' rounded commissions.
    await onCommissionPlan(tenant, 250, async () => {
      await page.reload()
      await page.locator('[data-commission="plan"]').waitFor()
      const expected = await commissionByChannel(tenant, 250)
      const commission = yuan(Object.values(expected).reduce((sum, fen) => sum + fen, 0))
      assert.equal(await page.locator('[data-figure="commission-rate"]').innerText(), '2.50%')
      assert.equal(await page.locator('[data-figure="commission"]').innerText(), commission)
      for (const [name, code] of [['微信支付', 'wechat_pay'], ['支付宝', 'alipay'], ['银联', 'unionpay']]) {
        assert.equal(await todayRow(name).locator('[data-commission-day]').innerText(), yuan(expected[code]))
      }
      await settledScreenshot(page, 'console-finance-commission')
      // The statistics screen gives the same total beside the sales.
      await openMenu(page, '统计 Statistics')
      await page.locator('[data-figure="sales"] .card-hint', { hasText: `佣金 Commission ${commission} (2.50%)` }).waitFor()
      await screenshot(page, 'console-statistics-commission')
      await openMenu(page, '财务对账 Settlement')
      await page.locator('[data-commission="plan"]').waitFor()
    })
    await page.reload()
    await page.locator('[data-commission="none"]').waitFor()
    await todayRow('微信支付').click()
    const drawer = page.locator(`[data-settlement="wechat_pay:${today()}"]`)
    await drawer.getByRole('button', { name: '获取账单 Fetch the bill' }).click()
    await drawer.getByText('已平账 Matched').waitFor()
    await drawer.locator('[data-row="bill"]').getByText(yuan(16000)).waitFor()
    await screenshot(page, 'console-finance-detail')
    await drawer.getByRole('button', { name: '确认对账 Confirm this day' }).click()
    await drawer.getByText(/已确认 Confirmed \d/).waitFor()
    await page.keyboard.press('Escape')
    await todayRow('微信支付').getByText('✓ 已确认').waitFor()

    // An Alipay day with a difference needs a note before it can be confirmed.
    await db.from(`${tenant.schemaName}.payments`).where('out_trade_no', day.payments.alipay.outTradeNo).update({ amount: 20000 })
    await todayRow('支付宝').click()
    const alipay = page.locator(`[data-settlement="alipay:${today()}"]`)
    await alipay.getByRole('button', { name: '获取账单 Fetch the bill' }).click()
    await alipay.getByText('有差异 Differences').first().waitFor()
    await alipay.getByText('金额不符 Amounts differ').waitFor()
    await alipay.getByRole('button', { name: '确认对账 Confirm this day' }).click()
    await alipay.getByText('有差异时必须说明处理情况').waitFor()
    await alipay.getByLabel(/差异处理说明/).fill('支付宝实收 206.67，系统记录有误，已更正 Recorded amount was wrong')
    await screenshot(page, 'console-finance-differences')
    await alipay.getByRole('button', { name: '确认对账 Confirm this day' }).click()
    await alipay.getByText(/已确认 Confirmed \d/).waitFor()

    const confirmed = await db.from(`${tenant.schemaName}.settlement_days`).whereNotNull('confirmed_at').orderBy('channel').select('channel', 'status', 'confirmed_by', 'confirm_note')
    assert.deepEqual(
      confirmed.map((row) => [row.channel, row.status, row.confirmed_by]),
      [
        ['alipay', 'differences', `staff:${financeId}`],
        ['wechat_pay', 'matched', `staff:${financeId}`],
      ]
    )
    assert.match(confirmed[0].confirm_note, /已更正/)
    const audit = await db.from(`${tenant.schemaName}.audit_logs`).where('action', 'settlement.confirmed').select('subject_id', 'actor_id')
    assert.sameMembers(audit.map((row) => row.subject_id), [`wechat_pay:${today()}`, `alipay:${today()}`])
    assert.isTrue(audit.every((row) => String(row.actor_id) === String(financeId)))
  })

  test('a clerk without the finance role sees no statistics or settlement, until a custom role made from the permission list opens statistics', async ({ browser, client, assert }) => {
    const venue = await createTenant({ venueName: '古城博物馆 Roles Museum', venueType: 'museum' })
    const slug = venue.tenant.slug
    const owner = await consoleAgent(client, slug, venue.email, venue.password)
    const clerkEmail = `clerk@${slug}.test`
    const created = await owner.post('/staff', { email: clerkEmail, fullName: '售票员小李', password: 'staff-pass-2026', roles: ['box_office'] })
    created.assertStatus(201)
    const clerkId = created.body().staff.id
    const clerk = await consoleAgent(client, slug, clerkEmail, 'staff-pass-2026')
    const range = `from=${today()}&to=${today()}`
    ;(await clerk.get(`/reports/statistics?${range}`)).assertStatus(403)
    ;(await clerk.get(`/reports/exports/orders?${range}`)).assertStatus(403)
    ;(await clerk.get(`/finance/settlements?${range}`)).assertStatus(403)

    const page = await desktop(browser)
    await page.goto(`/t/${slug}/console/`)
    await signIn(page, clerkEmail, 'staff-pass-2026')
    await page.waitForURL(/\/console\/orders$/)
    let items = await menuItems(page)
    for (const hidden of ['统计 Statistics', '导出 Exports', '财务对账 Settlement', '员工 Staff', '角色 Roles', '审计日志 Audit log']) assert.notInclude(items, hidden)
    assert.equal(await page.getByText('统计与财务 Reports & finance').count(), 0)
    for (const path of ['statistics', 'finance', 'exports', 'roles']) {
      await page.goto(`/t/${slug}/console/${path}`)
      await page.getByText('没有权限 Not allowed').waitFor()
    }
    await screenshot(page, 'console-clerk-no-finance')
    await signOut(page)

    // The owner makes a "report viewer" role from the permission list and gives it to the clerk.
    await page.goto(`/t/${slug}/console/roles`)
    await page.evaluate((venueSlug) => localStorage.setItem(`tessera.console.${venueSlug}.onboarded`, '1'), slug)
    await signIn(page, venue.email, venue.password)
    await page.getByRole('heading', { name: /角色/ }).waitFor()
    await page.getByRole('row', { name: /财务 Finance/ }).getByRole('button', { name: '查看 View' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('内置角色不能修改').waitFor()
    assert.isTrue(await dialog.locator('[data-permission="finance:write"] input').isChecked())
    assert.isTrue(await dialog.locator('[data-permission="finance:write"] input').isDisabled())
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })

    await page.getByRole('button', { name: '新建角色 New role' }).click()
    await dialog.getByLabel('标识 Key').fill('report_viewer')
    await dialog.getByLabel('名称 Name').fill('报表查看 Report viewer')
    await dialog.getByLabel('说明 Description').fill('只看统计与导出 Statistics and exports only')
    await dialog.locator('[data-permission="reports:read"]').click()
    await dialog.getByText('See statistics and exports').waitFor()
    await screenshot(page, 'console-role-editor')
    await dialog.getByRole('button', { name: '保存角色 Save role' }).click()
    await page.getByRole('row', { name: /报表查看 Report viewer/ }).waitFor()
    const roles = (await owner.get('/roles')).body().roles
    assert.deepInclude(roles.find((role: any) => role.key === 'report_viewer'), { name: '报表查看 Report viewer', builtin: false, permissions: ['reports:read'] })

    await openMenu(page, '员工 Staff')
    const clerkRow = page.getByRole('row', { name: /售票员小李/ })
    await clerkRow.getByRole('button', { name: '修改 Edit' }).click()
    await page.getByRole('dialog').locator('[data-role="report_viewer"]').click()
    await page.getByRole('dialog').getByRole('button', { name: '保存 Save', exact: true }).click()
    await clerkRow.getByText('报表查看 Report viewer').waitFor()
    await settledScreenshot(page, 'console-staff')
    assert.sameMembers((await owner.get('/staff')).body().staff.find((member: any) => member.id === clerkId).roles, ['box_office', 'report_viewer'])

    // Disabled, the clerk's sessions end; enabled again, they sign in anew.
    await clerkRow.getByRole('button', { name: '停用 Disable' }).click()
    await page.getByRole('dialog').getByRole('button', { name: '停用 Disable' }).click()
    await clerkRow.getByText('已停用 Disabled').waitFor()
    ;(await clerk.get('/me')).assertStatus(401)
    await clerkRow.getByRole('button', { name: '启用 Enable' }).click()
    await clerkRow.getByText('在职 Active').waitFor()
    assert.equal((await db.from(`${venue.tenant.schemaName}.staff_users`).where('id', clerkId).firstOrFail()).status, 'active')

    // The audit log shows both changes, filtered by action.
    await openMenu(page, '审计日志 Audit log')
    await page.getByLabel('操作 Action', { exact: true }).fill('role.created')
    await page.getByRole('button', { name: '查询 Search' }).click()
    // Before the search the log lists every record, the staff change included; after it, one.
    await page.locator('.el-table__row', { hasText: 'staff.updated' }).first().waitFor({ state: 'detached' })
    await page.locator('.el-table__row', { hasText: 'role.created' }).getByText('角色 Role #report_viewer').waitFor()
    assert.equal(await page.locator('.el-table__row').count(), 1)
    await settledScreenshot(page, 'console-audit')
    await signOut(page)

    // The clerk now sees statistics and exports, still not settlement; the API agrees.
    await signIn(page, clerkEmail, 'staff-pass-2026')
    items = await menuItems(page)
    assert.includeMembers(items, ['统计 Statistics', '导出 Exports', '订单 Orders'])
    assert.notInclude(items, '财务对账 Settlement')
    await openMenu(page, '统计 Statistics')
    await page.locator('[data-figure="sales"] [data-value]', { hasText: '¥0.00' }).waitFor()
    await screenshot(page, 'console-clerk-report-viewer')
    await page.goto(`/t/${slug}/console/finance`)
    await page.getByText('没有权限 Not allowed').waitFor()
    const signedInAgain = await consoleAgent(client, slug, clerkEmail, 'staff-pass-2026')
    ;(await signedInAgain.get(`/reports/statistics?${range}`)).assertStatus(200)
    ;(await signedInAgain.get(`/finance/settlements?${range}`)).assertStatus(403)
  })
})
