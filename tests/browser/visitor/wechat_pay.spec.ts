/*
 * Inside WeChat: paying by JSAPI, the visitor is signed in through the official account (the
 * sandbox's authorize page) when the server does not know their openid yet, then pays. WeChat's bridge is the only thing played here (a page cannot have the real
 * one): it checks the parameters the H5 hands it and pays them at the sandbox's WeChat cashier,
 * as WeChat's own payment sheet would; the H5's code path is the real one.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { connectSandboxMerchants } from '#sandbox/sandbox_merchants'
import { seedSale } from '#tests/helpers/catalog'
import { sandboxUrl } from '#tests/helpers/payments'
import { screenshot } from '#tests/helpers/screenshots'
import { wechatVenue } from '#tests/functional/wechat/wechat_helpers'
import { WECHAT_UA, orderNumberIn, phonePage, placeFromBuyPage, setProduct } from './visitor_pages.js'

/** Pays a JSAPI prepay at the sandbox: its WeChat cashier link leads to the cashier, where the visitor confirms. */
async function payPrepay(prepayId: string) {
  const cashier = await fetch(`${sandboxUrl()}/wechatpay/cashier/${prepayId}`, { redirect: 'manual' })
  const page = new URL(cashier.headers.get('location')!, sandboxUrl())
  const paid = await fetch(page, { method: 'POST', body: new URLSearchParams({ outcome: 'pay' }), redirect: 'manual' })
  if (paid.status >= 400) throw new Error(`the sandbox cashier refused: ${paid.status} ${await paid.text()}`)
}

test.group('Visitor H5: inside WeChat', () => {
  test('paying signs the visitor in through the official account, then pays by JSAPI (WeixinJSBridge)', async ({ browser, assert }) => {
    const venue = await wechatVenue()
    const { tenant } = venue
    const sale = await seedSale(tenant, { products: [{ price: 6600 }] })
    await setProduct(tenant, sale.products[0].id, { name: '分时预约 Timed entry' })
    await connectSandboxMerchants(tenant, { kinds: ['wechat_pay'] })

    const page = await phonePage(browser, { userAgent: WECHAT_UA })
    const bridgeCalls: { name: string; keys: string[] }[] = []
    await page.exposeFunction('sandboxWechatPay', async (name: string, args: Record<string, string>) => {
      bridgeCalls.push({ name, keys: Object.keys(args).sort() })
      const wellFormed =
        name === 'getBrandWCPayRequest' &&
        /^wx\w+$/.test(args.appId) &&
        /^\d{10}$/.test(args.timeStamp) &&
        /^\w{16,32}$/.test(args.nonceStr) &&
        /^prepay_id=wx\w+$/.test(args.package) &&
        args.signType === 'RSA' &&
        /^[A-Za-z0-9+/]+=*$/.test(args.paySign)
      if (!wellFormed) return 'get_brand_wcpay_request:fail'
      await payPrepay(args.package.slice('prepay_id='.length))
      return 'get_brand_wcpay_request:ok'
    })
    await page.addInitScript(() => {
      const pay = (globalThis as any).sandboxWechatPay as (name: string, args: unknown) => Promise<string>
      ;(globalThis as any).WeixinJSBridge = {
        invoke: (name: string, args: unknown, callback: (result: { err_msg: string }) => void) => pay(name, args).then((errMsg) => callback({ err_msg: errMsg })),
      }
    })

    // Not signed in yet: buying works, paying asks WeChat who pays (the official account's
    // sign-in) and comes back to the pay page.
    await page.goto(`/t/${tenant.slug}/buy/${sale.products[0].id}`)
    await placeFromBuyPage(page)
    await page.waitForURL(/\/pay\/T/)
    const number = orderNumberIn(page)
    await page.locator('[data-channel="wechat_pay"]').waitFor()
    await screenshot(page, 'visitor-wechat-pay')
    await page.getByRole('button', { name: /立即支付 ¥66.00/ }).click()
    await page.waitForURL(/oauth2\/authorize/)
    await page.getByRole('link', { name: /Sign in as zhangsan/ }).click()
    await page.waitForURL(new RegExp(`/pay/${number}$`))
    assert.lengthOf(bridgeCalls, 0)
    await page.getByRole('button', { name: /立即支付 ¥66.00/ }).click()
    await page.getByTestId('pay-result').filter({ hasText: '支付成功' }).waitFor({ timeout: 25_000 })
    await screenshot(page, 'visitor-wechat-paid')

    assert.deepEqual(bridgeCalls, [{ name: 'getBrandWCPayRequest', keys: ['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp'] }])
    const order = await db.from(`${tenant.schemaName}.orders`).where('number', number).firstOrFail()
    assert.equal(order.status, 'issued')
    const [identity] = await db.from(`${tenant.schemaName}.wechat_identities`).select('visitor_id')
    assert.isNotNull(identity?.visitor_id)
    const [payment] = await db.from(`${tenant.schemaName}.payments`).where('order_id', order.id).select('channel', 'method', 'status')
    assert.deepEqual(payment, { channel: 'wechat_pay', method: 'jsapi', status: 'paid' })
  })
})
