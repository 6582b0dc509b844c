/*
 * A voucher link on a phone: the venue's home hides a voucher-only invitation (赠票) until the
 * link's code opens it; the buy page carries the code into the order, which is free and issued at once.
 */
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Coupons from '#members/services/coupons'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'
import { screenshot } from '#tests/helpers/screenshots'
import { phonePage, placeFromBuyPage, setProduct } from './visitor_pages.js'

test.group('Visitor H5: vouchers', () => {
  test('a voucher link unlocks a hidden invitation and buys it free', async ({ browser, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ price: 8000 }, { price: 18000 }], quotas: [{ capacity: 50 }] })
    const [open, invitation] = sale.products
    await setProduct(tenant, open.id, { name: '成人票 Adult' })
    await setProduct(tenant, invitation.id, { name: '贵宾邀请票 VIP invitation', requires_voucher: true })
    await Coupons.for(tenant).create({ name: '贵宾赠票 VIP guests', kind: 'percent_off', value: 100, productIds: [invitation.id], code: 'VIP-2026', usesPerCode: 5 })

    const page = await phonePage(browser)
    await page.goto(`/t/${tenant.slug}/`)
    await page.getByTestId('products').getByText('成人票 Adult').waitFor()
    assert.notInclude(await page.getByTestId('products').innerText(), '贵宾邀请票')

    await page.goto(`/t/${tenant.slug}/?voucher=VIP-2026`)
    await page.getByTestId('products').getByText('贵宾邀请票 VIP invitation').waitFor()
    await page.getByRole('status').filter({ hasText: 'VIP2026' }).waitFor()
    assert.include(await page.getByTestId('products').innerText(), '凭券专享')
    await screenshot(page, 'visitor-voucher-home')

    await page.getByText('贵宾邀请票 VIP invitation').click()
    await page.waitForURL(/\/buy\/\d+\?voucher=VIP2026/)
    assert.equal(await page.getByLabel('优惠码').inputValue(), 'VIP2026')
    await page.getByRole('radio', { checked: true }).first().waitFor()
    await screenshot(page, 'visitor-voucher-buy')
    await placeFromBuyPage(page)

    await page.waitForURL(/\/my\/orders\/T/)
    await page.locator('.ticket .qr svg').waitFor()
    await screenshot(page, 'visitor-voucher-ticket')
    const order = await db.from(`${tenant.schemaName}.orders`).firstOrFail()
    assert.deepInclude(order, { status: 'issued', total_amount: 0, discount_amount: 18000, coupon_code: 'VIP2026' })
  })
})
