/*
 * Genuine notifications, signed by the gateway, sent where they do not belong: to another venue,
 * or with their headers over another body. Each is refused, recorded and audited; nothing changes.
 */
import { test } from '@japa/runner'
import { createServer, type Server } from 'node:http'
import db from '@adonisjs/lucid/services/db'
import PaymentAccounts from '#payments/services/payment_accounts'
import type { ChannelKind } from '#payments/channel'
import { newTradeNo } from '#payments/trade_numbers'
import { eventually, openPayment, payableVenue, settle } from '#tests/helpers/payments'

interface Captured {
  headers: Record<string, string>
  body: string
}

async function captureServer() {
  const captured: Captured[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      captured.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') })
      response.writeHead(200, { 'content-type': 'text/plain' }).end('success')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return { captured, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, close: () => new Promise((resolve) => server.close(resolve)) }
}

const METHOD: Record<ChannelKind, string> = { wechat_pay: 'native', alipay: 'precreate', unionpay: 'front' }
const FORWARDED = ['content-type', 'wechatpay-serial', 'wechatpay-signature', 'wechatpay-timestamp', 'wechatpay-nonce']

for (const kind of ['wechat_pay', 'alipay', 'unionpay'] as ChannelKind[]) {
  test(`${kind}: a genuine notification replayed to another venue, or over another body, is refused`, async ({ assert }) => {
    const venueA = await payableVenue([kind])
    const venueB = await payableVenue([kind])
    const capture = await captureServer()
    try {
      // A real payment of venue A whose notification lands in our hands.
      const channel = await PaymentAccounts.for(venueA.tenant).channel(kind)
      const outTradeNo = newTradeNo()
      const start = await channel.createPayment({
        outTradeNo,
        amount: 100,
        description: 'replay test',
        expiresAt: new Date(Date.now() + 10 * 60_000),
        notifyUrl: capture.url,
        returnUrl: capture.url,
        method: METHOD[kind],
      })
      await openPayment(start)
      await settle(kind, channel.merchantId, outTradeNo)
      const [genuine] = await eventually(async () => capture.captured, (list) => list.length > 0)
      const headers = Object.fromEntries(FORWARDED.filter((name) => genuine.headers[name]).map((name) => [name, genuine.headers[name]]))

      const post = async (tenant: typeof venueA.tenant, body: string) => {
        const response = await fetch(`http://${process.env.HOST}:${process.env.PORT}/t/${tenant.slug}/webhooks/payments/${kind}`, { method: 'POST', headers, body })
        return { status: response.status, text: await response.text() }
      }
      // Each channel's way of saying "not accepted, send again": Alipay wants anything but `success`.
      const refused = (response: { status: number; text: string }) => (kind === 'alipay' ? response.text === 'fail' : response.status >= 400)

      // Venue B cannot read it as its own: its keys, its merchant id.
      assert.isTrue(refused(await post(venueB.tenant, genuine.body)))
      // Venue A verifies it, but has no such payment (it was never one of A's orders).
      assert.isTrue(refused(await post(venueA.tenant, genuine.body)))
      // The same headers over another body: the signature does not cover it.
      // (The first digit: a signed value in every format, where a trailing one may be base64 padding.)
      const at = genuine.body.search(/\d/)
      const tampered = `${genuine.body.slice(0, at)}${(Number(genuine.body[at]) + 1) % 10}${genuine.body.slice(at + 1)}`
      assert.isTrue(refused(await post(venueA.tenant, tampered)))

      const logB = await db.from(`${venueB.tenant.schemaName}.payment_notifications`).select('accepted', 'reason')
      assert.deepEqual(logB.map((entry) => entry.accepted), [false])
      assert.include(['decrypt', 'merchant', 'signature'], logB[0].reason)
      const logA = await db.from(`${venueA.tenant.schemaName}.payment_notifications`).orderBy('id').select('accepted', 'reason')
      assert.deepEqual(logA.map((entry) => entry.accepted), [false, false])
      assert.equal(logA[0].reason, 'unknown')
      assert.include(['signature', 'decrypt', 'format'], logA[1].reason)
      for (const venue of [venueA, venueB]) {
        const audit = await db.from(`${venue.tenant.schemaName}.audit_logs`).where('action', 'payment.notification_rejected').count('* as n')
        assert.isAtLeast(Number(audit[0].n), 1)
        assert.lengthOf(await db.from(`${venue.tenant.schemaName}.payments`).where('status', 'paid'), 0)
      }
    } finally {
      await capture.close()
    }
  })
}
