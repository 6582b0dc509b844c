import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { PNG } from 'pngjs'
import { BinaryBitmap, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'
import { screenshot } from '#tests/helpers/screenshots'

/** What a QR code in a PNG says, read as a scanner would. */
function readQr(png: Buffer): string {
  const image = PNG.sync.read(png)
  const luminance = new Uint8ClampedArray(image.width * image.height)
  for (let i = 0; i < luminance.length; i++) luminance[i] = (image.data[i * 4] + image.data[i * 4 + 1] + image.data[i * 4 + 2]) / 3
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, image.width, image.height)))
  return new QRCodeReader().decode(bitmap).getText()
}

test.group('The e-ticket page', () => {
  test('a visitor opens the link from the SMS, sees each ticket with its QR code, and keeps it offline', async ({ visit, client, assert }) => {
    const { tenant } = await createTenant({ venueName: '雾峰山景区 Ticket Page Test', venueType: 'scenic' })
    const sale = await seedSale(tenant, { products: [{ price: 0, kind: 'free' }], quotas: [{ capacity: 10 }] })
    const placed = await client
      .post(`/t/${tenant.slug}/api/orders`)
      .header('Idempotency-Key', randomUUID())
      .json({ items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 2 }], contact: { phone: '13900004444' } })
    const { order, accessToken } = placed.body()
    const tickets = (await client.get(`/t/${tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', accessToken)).body().tickets

    const page = await visit(`/t/${tenant.slug}/orders/${order.number}?token=${accessToken}`)
    await page.assertTextContains('h1', '雾峰山景区')
    await page.assertElementsCount('.ticket .qr svg', 2)
    await page.assertTextContains('.ticket:first-of-type .status', '可入园')
    await page.setViewportSize({ width: 390, height: 844 })
    await screenshot(page, 'ticket-page')

    // Once open, it needs no network.
    await page.context().setOffline(true)
    await page.assertElementsCount('.ticket .qr svg', 2)
    await page.context().setOffline(false)

    // Each QR, saved as a PNG, reads back as the ticket's code.
    const png = await fetch(`http://${process.env.HOST}:${process.env.PORT}/t/${tenant.slug}/api/orders/${order.number}/tickets/${tickets[0].id}/qr.png?token=${accessToken}`)
    assert.equal(png.status, 200)
    assert.equal(png.headers.get('content-type'), 'image/png')
    assert.equal(readQr(Buffer.from(await png.arrayBuffer())), tickets[0].code)

    // Without the token (or the buyer's session), there is no such page.
    const stranger = await visit(`/t/${tenant.slug}/orders/${order.number}`)
    await stranger.assertTextContains('body', 'No such order')
  })
})
