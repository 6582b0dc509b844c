/*
 * What the visitor H5 tells a visitor when things go wrong: the last places taken while ordering,
 * the hold running out before paying, a payment failed and abandoned at the cashier, the network
 * gone (tickets still shown from this phone), the venue suspended.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import registry from '#tenancy/services/tenant_registry'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'
import { payableVenue, placeOrder } from '#tests/helpers/payments'
import { screenshot } from '#tests/helpers/screenshots'
import { atCashier, orderNumberIn, phonePage, placeFromBuyPage } from './visitor_pages.js'

test.group('Visitor H5: errors shown', () => {
  test('the last place is taken while the visitor fills the form: sold out, nothing ordered', async ({ browser, client, assert }) => {
    const sale = await payableVenue(['alipay'], { quotas: [{ capacity: 1 }] })
    const page = await phonePage(browser)
    await page.goto(`/t/${sale.tenant.slug}/buy/${sale.products[0].id}`)
    await page.getByText('余 1').waitFor()
    await placeOrder(client, sale.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])

    await placeFromBuyPage(page)
    await page.getByRole('dialog').getByText('余票不足').waitFor()
    await screenshot(page, 'visitor-error-sold-out')
    await page.getByRole('button', { name: '确定' }).click()
    await page.getByTestId('buy-problem').filter({ hasText: '余票不足' }).waitFor()
    const orders = await db.from(`${sale.tenant.schemaName}.orders`).count('* as total')
    assert.equal(Number(orders[0].total), 1)
  })

  test('the hold runs out before paying: the order has expired, buy again', async ({ browser }) => {
    const sale = await payableVenue(['alipay'])
    const page = await phonePage(browser)
    await page.goto(`/t/${sale.tenant.slug}/buy/${sale.products[0].id}`)
    await placeFromBuyPage(page)
    await page.waitForURL(/\/pay\/T/)
    await page.getByTestId('countdown').waitFor()
    await db.from(`${sale.tenant.schemaName}.orders`).where('number', orderNumberIn(page)).update({ expires_at: new Date(Date.now() - 1000) })

    await page.getByRole('button', { name: /立即支付/ }).click()
    await page.getByTestId('pay-result').filter({ hasText: '订单已过期' }).waitFor()
    await screenshot(page, 'visitor-error-expired')
    await page.getByRole('button', { name: '重新购买' }).click()
    await page.waitForURL(new RegExp(`/buy/${sale.products[0].id}$`))
  })

  test('a payment failed, then abandoned at the cashier: pay again or another way', async ({ browser, assert }) => {
    const sale = await payableVenue(['alipay'])
    const page = await phonePage(browser)
    await page.goto(`/t/${sale.tenant.slug}/buy/${sale.products[0].id}`)
    await placeFromBuyPage(page)
    await page.waitForURL(/\/pay\/T/)
    const number = orderNumberIn(page)
    await page.getByRole('button', { name: /立即支付/ }).click()
    await page.waitForURL(/sandbox\/cashier/)
    await atCashier(page, 'fail')
    await page.getByRole('alert').filter({ hasText: '支付失败' }).waitFor()
    await atCashier(page, 'cancel')

    await page.getByTestId('pay-result').filter({ hasText: '支付未完成' }).waitFor({ timeout: 25_000 })
    await screenshot(page, 'visitor-error-payment-failed')
    await page.getByRole('button', { name: '更换支付方式' }).click()
    await page.getByRole('button', { name: /立即支付/ }).waitFor()
    const order = await db.from(`${sale.tenant.schemaName}.orders`).where('number', number).firstOrFail()
    assert.equal(order.status, 'pending_payment')
  })

  test('offline: a banner, a retry, and the tickets still shown from this phone', async ({ browser }) => {
    const { tenant } = await createTenant({ venueType: 'museum' })
    const sale = await seedSale(tenant, { products: [{ price: 0, kind: 'free' }], quotas: [{ capacity: 10 }] })
    const page = await phonePage(browser)
    await page.goto(`/t/${tenant.slug}/`)
    await page.getByText(sale.products[0].name).click()
    await placeFromBuyPage(page, /立即预约/)
    await page.waitForURL(/\/my\/orders\/T/)
    await page.locator('.ticket .qr svg').waitFor()

    // Back to the home page with no network: told so, with a retry.
    await page.context().setOffline(true)
    await page.getByTestId('offline-banner').waitFor()
    await page.goBack()
    await page.goBack()
    await page.getByRole('alert').filter({ hasText: '网络不可用' }).waitFor()
    await screenshot(page, 'visitor-error-offline-home')

    // The order's page again: its tickets come from this phone.
    await page.goForward()
    await page.goForward()
    await page.getByText('已保存，离线也可出示').waitFor()
    await page.locator('.ticket .qr svg').waitFor()
    await screenshot(page, 'visitor-error-offline-ticket')

    await page.context().setOffline(false)
    await page.getByTestId('offline-banner').waitFor({ state: 'hidden' })
    await page.goBack()
    await page.goBack()
    await page.getByTestId('products').waitFor()
  })

  test('the venue is suspended: 暂停营业, in the open app and on a fresh load', async ({ browser }) => {
    const { tenant } = await createTenant({ venueName: '山海乐园 Shanhai Park' })
    const sale = await seedSale(tenant)
    const page = await phonePage(browser)
    await page.goto(`/t/${tenant.slug}/`)
    await page.getByTestId('products').waitFor()

    tenant.merge({ status: 'suspended' })
    await tenant.save()
    registry.forget(tenant)
    await page.getByText(sale.products[0].name).click()
    await page.getByTestId('venue-closed').filter({ hasText: '暂停营业' }).waitFor()
    await screenshot(page, 'visitor-error-suspended')

    await page.reload()
    await page.getByText('暂停营业').first().waitFor()
  })
})
