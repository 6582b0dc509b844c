import { test } from '@japa/runner'
import { mkdir, writeFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { PNG } from 'pngjs'
import QRCode from 'qrcode'
import { chromium, type BrowserContextOptions, type Page } from 'playwright'
import type { ApiClient } from '@japa/api-client'
import Site from '#catalog/models/site'
import { runInTenant } from '#tenancy/services/tenant_database'
import { createTenant } from '#tests/helpers/tenants'
import { seedSale } from '#tests/helpers/catalog'
import { placeOrder } from '#tests/helpers/payments'
import { screenshot } from '#tests/helpers/screenshots'

/** Rendered by `qrcode`, its data holds a 1:1:3:1:1 pattern that @zxing/library 0.23 takes for a corner. */
const DECOY_CORNER_CODE = 'sS0gTi8GUzeUxlV3hEmE9C_O20hDDRLUJJcV0mREfLyxWNio0d884NWO3ivljFRaqjtvJJ6zQqaae75ujkdrDZi6sofYUKdbB_fmTxvI_x7nnsE'

/** A staff phone held upright. */
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' }
const baseURL = () => `http://${process.env.HOST}:${process.env.PORT}`

/** A venue with two sites, its free session open for entry now, and one issued ticket's code. */
async function venueWithTicket(client: ApiClient) {
  const venue = await createTenant({ venueName: '云岭风景区 Scanner Park' })
  const sale = await seedSale(venue.tenant, { products: [{ price: 0, kind: 'free' }] })
  const schema = venue.tenant.schemaName
  await db.from(`${schema}.sites`).where('id', sale.site.id).update({ name: '南门 South gate' })
  await runInTenant(venue.tenant, (trx) => Site.create({ name: '北门 North gate', timezone: 'Asia/Shanghai' }, { client: trx }))
  const now = Date.now()
  await db.from(`${schema}.sessions`).update({ starts_at: new Date(now - 10 * 60_000), ends_at: new Date(now + 2 * 3_600_000) })
  const { order, accessToken } = await placeOrder(client, venue.tenant, [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }])
  const tickets = await client.get(`/t/${venue.tenant.slug}/api/orders/${order.number}/tickets`).header('X-Order-Token', accessToken)
  tickets.assertStatus(200)
  return { ...venue, code: tickets.body().tickets[0].code as string }
}

/** The ticket's QR code as the visitor's phone shows it. */
const qrPng = (code: string) => QRCode.toBuffer(code, { type: 'png', scale: 6, margin: 4 })

/** Signs in as the venue's owner and stands at the South gate (taking screenshots on the way if asked). */
async function signInAtSouthGate(page: Page, venue: { email: string; password: string }, screenshots = false) {
  await page.getByLabel('邮箱 Email').fill(venue.email)
  await page.getByLabel('密码 Password').fill(venue.password)
  if (screenshots) await screenshot(page, 'scanner-sign-in')
  await page.getByRole('button', { name: '登录 Sign in' }).click()
  const southGate = page.getByRole('button', { name: /南门 South gate/ })
  await southGate.waitFor()
  if (screenshots) await screenshot(page, 'scanner-choose-site')
  await southGate.click()
  await page.locator('[data-count="admitted"]', { hasText: /^0$/ }).waitFor()
}

/** Waits for the full-screen answer that says `text`; a failure tells what the scanner shows instead. */
async function answerSays(page: Page, text: string) {
  const answer = page.getByTestId('scan-result')
  try {
    await answer.filter({ hasText: text }).waitFor({ timeout: 15_000 })
  } catch {
    const shown = (await answer.isVisible()) ? await answer.innerText() : `no answer; the page reads: ${await page.locator('body').innerText()}`
    throw new Error(`Expected the scanner to answer "${text}". It shows: ${shown}`)
  }
}

/**
 * A one-frame YUV4MPEG2 video (4:2:0) of the image centred on white: what Chromium's fake camera
 * plays (--use-file-for-fake-video-capture), over and over.
 */
function y4mOf(png: Buffer, width = 640, height = 480) {
  const image = PNG.sync.read(png)
  const luma = Buffer.alloc(width * height, 255)
  const left = Math.floor((width - image.width) / 2)
  const top = Math.floor((height - image.height) / 2)
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4
      luma[(top + y) * width + left + x] = Math.round(0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2])
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128)
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma])
}

test.group('Scanner web app', () => {
  test('staff sign in, choose their site, and scan photos and typed codes: admitted, already used, unknown', async ({ browser, client, assert }) => {
    const venue = await venueWithTicket(client)
    const png = await qrPng(venue.code)
    const page = await (await browser.newContext({ ...PHONE, baseURL: baseURL() })).newPage()
    await page.goto(`/t/${venue.tenant.slug}/scanner/`)
    assert.include(await page.title(), '云岭风景区')
    await signInAtSouthGate(page, venue, true)
    await screenshot(page, 'scanner-idle')

    const photo = { name: 'ticket.png', mimeType: 'image/png', buffer: png }
    await page.getByLabel('拍照识别 Scan a photo').setInputFiles(photo)
    await answerSays(page, 'Admitted')
    await page.getByTestId('scan-result').getByText('Ticket 1').waitFor()
    await screenshot(page, 'scanner-admitted')

    // The same ticket again: refused, with when it came in.
    await page.getByLabel('拍照识别 Scan a photo').setInputFiles(photo)
    await answerSays(page, 'Already used')
    const admittedAt = (await db.from(`${venue.tenant.schemaName}.checkins`).where('result', 'admitted').firstOrFail()).occurred_at
    const clock = DateTime.fromJSDate(admittedAt).setZone('Asia/Shanghai').toFormat('HH:mm')
    assert.include(await page.getByTestId('previous-entry').innerText(), clock)
    await screenshot(page, 'scanner-already-used')
    await page.getByRole('button', { name: '继续扫码 Next' }).click()

    await page.getByLabel('输入券码或身份证号 Ticket code or ID number').fill('NOT-A-TICKET-42')
    await page.getByRole('button', { name: '核验 Check' }).click()
    await answerSays(page, 'Unknown code')
    await screenshot(page, 'scanner-unknown-code')
    await page.getByRole('button', { name: '继续扫码 Next' }).click()

    // A code whose data mimics a corner pattern, which ZXing as published cannot read (resources/scanner/zxing.ts).
    await page.getByLabel('拍照识别 Scan a photo').setInputFiles({ ...photo, buffer: await qrPng(DECOY_CORNER_CODE) })
    await answerSays(page, DECOY_CORNER_CODE)
    await page.getByRole('button', { name: '继续扫码 Next' }).click()

    await page.locator('[data-count="admitted"]', { hasText: /^1$/ }).waitFor()
    assert.equal(await page.locator('[data-count="inside"]').innerText(), '1')
    const scans = await db.from(`${venue.tenant.schemaName}.checkins`).orderBy('id').select('method', 'result', 'site_id')
    assert.deepEqual(
      scans.map((s) => [s.method, s.result]),
      [['qr', 'admitted'], ['qr', 'already_used'], ['manual', 'unknown'], ['qr', 'unknown']]
    )

    // The site is remembered in this browser.
    await page.reload()
    await page.getByText('南门 South gate').waitFor()
    assert.isFalse(await page.getByRole('button', { name: /北门 North gate/ }).isVisible())
  })

  test('the page carries its venue, escaped; the built files are cached for a year, and nothing else is served', async ({ client, assert }) => {
    const venue = await createTenant({ venueName: '</script><b>"Tom & Jerry"</b> $& 乐园' })
    const page = await client.get(`/t/${venue.tenant.slug}/scanner`)
    page.assertStatus(200)
    assert.equal(page.header('cache-control'), 'no-cache')
    const html = page.text()
    assert.include(html, '<title>核销 Scanner · &#60;/script&#62;&#60;b&#62;&#34;Tom &#38; Jerry&#34;&#60;/b&#62; $&#38; 乐园</title>')
    const context = JSON.parse(html.match(/<script id="context" type="application\/json">(.*?)<\/script>/)![1])
    assert.deepEqual(context, {
      title: '核销 Scanner · </script><b>"Tom & Jerry"</b> $& 乐园',
      venueName: '</script><b>"Tom & Jerry"</b> $& 乐园',
      tenantSlug: venue.tenant.slug,
      api: `/t/${venue.tenant.slug}/console/api`,
    })

    const script = html.match(/src="(\/build\/assets\/[^"]+\.js)"/)![1]
    const asset = await client.get(script)
    asset.assertStatus(200)
    assert.equal(asset.header('cache-control'), 'public, max-age=31536000, immutable')
    assert.match(asset.header('content-type') ?? '', /javascript/)
    for (const path of ['/build/assets/missing-0000.js', '/build/assets/..%2F.vite%2Fmanifest.json', '/build/scanner/index.html']) {
      const refused = await client.get(path)
      refused.assertStatus(404)
      assert.notEqual(refused.header('cache-control'), 'public, max-age=31536000, immutable')
    }
  })

  test('the camera reads a ticket held up to it, once (Chromium fake camera)', async ({ client, assert }) => {
    const venue = await venueWithTicket(client)
    const video = app.makePath('tmp/scanner-camera.y4m')
    await mkdir(app.makePath('tmp'), { recursive: true })
    await writeFile(video, y4mOf(await qrPng(venue.code)))

    // A browser of its own: the fake camera is chosen when Chromium starts.
    const phone = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    })
    try {
      const page = await (await phone.newContext({ ...PHONE, baseURL: baseURL(), permissions: ['camera'] })).newPage()
      await page.goto(`/t/${venue.tenant.slug}/scanner/`)
      await signInAtSouthGate(page, venue)
      await page.getByRole('button', { name: /Scan with camera/ }).click()
      await answerSays(page, 'Admitted')
      await screenshot(page, 'scanner-camera-admitted')
      // A green answer clears itself, so the queue moves.
      await page.getByTestId('scan-result').waitFor({ state: 'hidden' })
      await page.locator('[data-count="admitted"]', { hasText: /^1$/ }).waitFor()

      // The ticket stays in view: still one scan, not one every few hundred milliseconds.
      await page.waitForTimeout(1500)
      await screenshot(page, 'scanner-camera-live')
      assert.isFalse(await page.getByTestId('scan-result').isVisible())
      const scans = await db.from(`${venue.tenant.schemaName}.checkins`).count('* as total')
      assert.equal(Number(scans[0].total), 1)
    } finally {
      await phone.close()
    }
  })
})
