/*
 * What the visitor H5's browser tests share: a phone (390×844, touch, zh-CN), the steps of buying
 * on the buy page, and paying at the sandbox cashier the way a visitor does.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Tenant from '#tenancy/models/tenant'

export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
}

export const appUrl = () => `http://${process.env.HOST}:${process.env.PORT}`

/** A valid mainland ID number (GB 11643 check digit). */
export const ID_NUMBER = '11010519491231002X'

/** WeChat's own browser on that phone (JSAPI payments, WeChat sign-in). */
export const WECHAT_UA = `${PHONE.userAgent!.replace(' Safari/604.1', '')} MicroMessenger/8.0.50(0x1800323d) NetType/4G Language/zh_CN`

export async function phonePage(browser: Browser, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ ...PHONE, baseURL: appUrl(), ...options })
  const page = await context.newPage()
  // A script error in the page is a failure worth seeing beside the test's own.
  page.on('pageerror', (error) => console.error(`[visitor page] ${error.message}`))
  page.on('console', (message) => message.type() === 'error' && console.error(`[visitor console] ${message.text()} ${message.location().url}`))
  page.on('response', (response) => response.status() >= 400 && console.error(`[visitor http] ${response.status()} ${response.request().method()} ${response.url()}`))
  return page
}

/** Fills the contact phone and places the order from the buy page (the session is the only one). */
export async function placeFromBuyPage(page: Page, button: RegExp = /提交订单/) {
  await page.getByLabel('手机号').fill('13700001111')
  await page.getByRole('button', { name: button }).click()
}

/** At the sandbox cashier: press a button (pay, fail, cancel). */
export async function atCashier(page: Page, outcome: 'pay' | 'fail' | 'cancel') {
  const names = { pay: /确认支付/, fail: /模拟失败/, cancel: /取消支付/ }
  await page.getByRole('button', { name: names[outcome] }).click()
}

export async function setProduct(tenant: Tenant, productId: number, fields: Record<string, unknown>) {
  await db.from(`${tenant.schemaName}.products`).where('id', productId).update(fields)
}

/** The order number in the page's address (/pay/<number> or /my/orders/<number>). */
export const orderNumberIn = (page: Page) => new URL(page.url()).pathname.split('/').pop()!

/** Another session of the venue's first product, `hoursLater` than the sale's, at `price` (a price rule for that session). */
export async function addSession(tenant: Tenant, sale: { site: { id: number }; session: { startsAt: DateTime }; products: { id: number }[] }, hoursLater: number, price: number) {
  const schema = tenant.schemaName
  const startsAt = sale.session.startsAt.plus({ hours: hoursLater })
  const now = new Date()
  const [session] = await db
    .table(`${schema}.sessions`)
    .insert({ site_id: sale.site.id, kind: 'slot', starts_at: startsAt.toJSDate(), ends_at: startsAt.plus({ hours: 1 }).toJSDate(), status: 'open', created_at: now, updated_at: now })
    .returning('id')
  const [quota] = await db.table(`${schema}.quotas`).insert({ session_id: session.id, name: 'Later', capacity: 10, held: 0, sold: 0, created_at: now, updated_at: now }).returning('id')
  await db.table(`${schema}.quota_products`).insert({ quota_id: quota.id, product_id: sale.products[0].id })
  await db.table(`${schema}.price_rules`).insert({ product_id: sale.products[0].id, session_id: session.id, day_kind: 'any', price, created_at: now, updated_at: now })
  return { sessionId: Number(session.id), startsAt }
}

/** Hours from now to tomorrow 09:00 in the venue's clock: sessions a few hours after it stay on the same day. */
export const hoursToTomorrowMorning = () => {
  const now = DateTime.now().setZone('Asia/Shanghai')
  return Math.ceil(now.plus({ days: 1 }).set({ hour: 9, minute: 0, second: 0 }).diff(now, 'hours').hours)
}

/** Lets this browser open an order placed elsewhere, as if placed here (its access token kept per venue). */
export async function keepOrderToken(page: Page, tenant: Tenant, number: string, token: string) {
  await page.evaluate(
    ([key, value]) => localStorage.setItem(key, value),
    [`tessera.visitor.${tenant.slug}.orders`, JSON.stringify([{ number, token, savedAt: Date.now() }])]
  )
}
