/*
 * Paying inside WeChat (JSAPI): the payer is the signed-in visitor, known by the openid their
 * WeChat sign-in (网页授权) gave for the venue's official account. The page never sends it.
 */
import { createPublicKey, createVerify } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import PaymentAccounts from '#payments/services/payment_accounts'
import { registerSandboxMerchant } from '#sandbox/sandbox_merchants'
import { seedSale } from '#tests/helpers/catalog'
import { eventually, placeOrder, sandboxUrl, settle, viewOrder } from '#tests/helpers/payments'
import { appUrl, Browser, firstError, sandboxUsers, signInByPhone, signInWithWechat, wechatVenue } from '#tests/functional/wechat/wechat_helpers'

test.group('WeChat JSAPI payments: the payer’s openid', () => {
  test('a visitor signed in through WeChat gets signed JSAPI parameters for their own openid, and pays', async ({ client, assert }) => {
    const venue = await wechatVenue()
    const { tenant } = venue
    const sale = await seedSale(tenant, { products: [{ price: 6600 }] })
    const merchant = (await registerSandboxMerchant(sandboxUrl(), 'wechat_pay')) as { appid: string; privateKey: string }
    await PaymentAccounts.for(tenant).save('wechat_pay', { ...merchant, enabled: true })
    const { order, accessToken } = await placeOrder(client, tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
    const payUrl = `${appUrl()}/t/${tenant.slug}/api/orders/${order.number}/payments?token=${accessToken}`

    // Not signed in, or signed in without WeChat: no openid to pay with.
    const anonymous = await new Browser().post(payUrl, { channel: 'wechat_pay', method: 'jsapi' })
    assert.equal(anonymous.status, 422)
    assert.deepInclude(await firstError(anonymous), { field: 'openid', code: 'E_OPENID_REQUIRED' })
    const byPhone = new Browser()
    await signInByPhone(byPhone, tenant, '13900001234')
    const noWechat = await byPhone.post(payUrl, { channel: 'wechat_pay', method: 'jsapi' })
    assert.equal(noWechat.status, 422)
    assert.equal((await firstError(noWechat)).code, 'E_OPENID_REQUIRED')
    assert.lengthOf(await db.from(`${tenant.schemaName}.payments`), 0)

    // Signed in through the official account's OAuth: the payment names their openid.
    const browser = new Browser()
    await signInWithWechat(browser, tenant, { user: 'lisi' })
    const lisi = (await sandboxUsers(venue)).find((user) => user.id === 'lisi')!
    const started = await browser.post(payUrl, { channel: 'wechat_pay', method: 'jsapi', openid: 'o-someone-else' })
    assert.equal(started.status, 201)
    const { payment } = (await started.json()) as { payment: { outTradeNo: string; start: { kind: string; jsapi: Record<string, string> } } }
    assert.equal(payment.start.kind, 'jsapi')
    const { appId, timeStamp, nonceStr, package: pkg, signType, paySign } = payment.start.jsapi
    assert.equal(appId, merchant.appid)
    assert.equal(signType, 'RSA')
    assert.match(pkg, /^prepay_id=wx\w+$/)
    assert.match(timeStamp, /^\d{10}$/)
    const signed = createVerify('RSA-SHA256').update(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`)
    assert.isTrue(signed.verify(createPublicKey(merchant.privateKey), paySign, 'base64'))

    const row = await db.from(`${tenant.schemaName}.payments`).where('out_trade_no', payment.outTradeNo).firstOrFail()
    const trade = (await (await fetch(`${sandboxUrl()}/sandbox/trades/wechatpay/${row.merchant_id}/${payment.outTradeNo}`)).json()) as { payerId: string }
    assert.equal(trade.payerId, lisi.openid)

    await settle('wechat_pay', row.merchant_id, payment.outTradeNo)
    const paid = await eventually(() => viewOrder(client, tenant, order.number, accessToken), (o) => o.status === 'issued', 15_000)
    assert.equal(paid.paidAmount, 6600)
  })
})
