/*
 * The Alipay channel (alipay-sdk v4) against the sandbox's Alipay gateway, in-process: pay URLs and
 * QR codes, query / close, notifications with their faults and retries, refunds, and keys that do
 * not match. Notifications land on a tiny HTTP server here that answers what each test wants.
 */
import { test } from '@japa/runner'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AlipaySdk } from 'alipay-sdk'
import { startSandbox, type Sandbox } from '#sandbox/sandbox_server'
import type { DeliveryRecord, NotificationFaults } from '#sandbox/notifier'
import { alipayGateway } from '#sandbox/gateways/alipay'
import { createAlipayChannel } from '#payments/alipay/alipay_channel'
import { fenToYuan, yuanToFen } from '#payments/alipay/alipay_format'
import { sandboxGateways } from '#payments/gateways'
import { ChannelError, NotificationRejected, type IncomingNotification, type PaymentChannel } from '#payments/channel'
import type { AlipayCredentials } from '#payments/credentials'

/** Receives the sandbox's notifications; answers "success" unless told otherwise for an out_trade_no. */
async function startInbox() {
  const received: IncomingNotification[] = []
  const answers = new Map<string, string[]>()
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    received.push({ headers: request.headers as Record<string, string>, rawBody })
    const outTradeNo = new URLSearchParams(rawBody).get('out_trade_no') ?? ''
    response.writeHead(200, { 'content-type': 'text/plain' }).end(answers.get(outTradeNo)?.shift() ?? 'success')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    answers,
    /** The first notification whose fields include all of `fields`. */
    async waitFor(fields: Record<string, string>): Promise<IncomingNotification> {
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 10))) {
        const found = received.find((notification) => {
          const params = new URLSearchParams(notification.rawBody)
          return Object.entries(fields).every(([name, value]) => params.get(name) === value)
        })
        if (found) return found
      }
      throw new Error(`No notification with ${JSON.stringify(fields)}`)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Each group: its own sandbox (memory only, retries compressed) and notification inbox. */
function withSandbox(group: { setup(handler: () => Promise<() => Promise<void>>): void }) {
  const env = {} as { sandbox: Sandbox; inbox: Awaited<ReturnType<typeof startInbox>> }
  group.setup(async () => {
    env.sandbox = await startSandbox({ gateways: [alipayGateway], timeScale: 0.001 })
    env.inbox = await startInbox()
    return async () => {
      await env.sandbox.close()
      await env.inbox.close()
    }
  })
  return env
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

async function newMerchant(sandbox: Sandbox): Promise<AlipayCredentials> {
  return (await post(`${sandbox.url}/sandbox/merchants`, { gateway: 'alipay' })).json() as Promise<AlipayCredentials>
}

function channelFor(sandbox: Sandbox, credentials: AlipayCredentials) {
  const urls = sandboxGateways(sandbox.url)
  return createAlipayChannel(credentials, { gateway: urls.alipayGateway, endpoint: urls.alipayEndpoint })
}

let sequence = 0
const newOutTradeNo = () => `T${Date.now()}${++sequence}`

/** A wap payment the buyer has opened (so Alipay has the trade). */
async function openedPayment(channel: PaymentChannel, notifyUrl: string, amount = 1000) {
  const outTradeNo = newOutTradeNo()
  const start = await channel.createPayment({
    outTradeNo,
    amount,
    description: '入场券 Admission',
    expiresAt: new Date(Date.now() + 15 * 60_000),
    notifyUrl,
    returnUrl: 'https://venue.example/orders/42?from=alipay',
    method: 'wap',
  })
  if (start.kind !== 'redirect') throw new Error(`Expected a redirect, got ${start.kind}`)
  const opened = await fetch(start.url, { redirect: 'manual' })
  if (opened.status !== 302) throw new Error(`Opening the pay URL answered ${opened.status}: ${await opened.text()}`)
  return { outTradeNo, cashierUrl: opened.headers.get('location')! }
}

async function settle(sandbox: Sandbox, merchantId: string, outTradeNo: string, outcome: 'pay' | 'cancel' = 'pay', faults: NotificationFaults = {}) {
  const response = await post(`${sandbox.url}/sandbox/trades/settle`, { gateway: 'alipay', merchantId, outTradeNo, outcome, faults })
  if (response.status !== 200) throw new Error(`Settle answered ${response.status}`)
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('Expected a rejection')
}

test.group('Alipay amounts', () => {
  test('fen and yuan convert exactly', ({ assert }) => {
    for (const [fen, yuan] of [
      [1, '0.01'],
      [10, '0.10'],
      [12345, '123.45'],
      [0, '0.00'],
    ] as const) {
      assert.equal(fenToYuan(fen), yuan)
      assert.equal(yuanToFen(yuan), fen)
    }
    assert.equal(yuanToFen('12.3'), 1230)
    for (const bad of ['1.234', '-1.00', '1e3', '', '12.']) assert.throws(() => yuanToFen(bad))
    assert.throws(() => fenToYuan(1.5))
  })
})

test.group('Alipay channel · payments', (group) => {
  const env = withSandbox(group)

  test('wap and page pay URLs lead to the cashier; the trade exists once opened', async ({ assert }) => {
    const credentials = await newMerchant(env.sandbox)
    const channel = channelFor(env.sandbox, credentials)
    for (const method of ['wap', 'page']) {
      const outTradeNo = newOutTradeNo()
      const start = await channel.createPayment({ outTradeNo, amount: 1230, description: '门票', expiresAt: new Date(Date.now() + 600_000), notifyUrl: env.inbox.url, method })
      assert.equal(start.kind, 'redirect')
      const url = new URL((start as { url: string }).url)
      assert.equal(url.searchParams.get('method'), `alipay.trade.${method}.pay`)
      assert.include(url.searchParams.get('biz_content')!, '"total_amount":"12.30"')
      assert.equal((await channel.query(outTradeNo)).state, 'not_found')

      const opened = await fetch(url, { redirect: 'manual' })
      assert.equal(opened.status, 302)
      assert.match(opened.headers.get('location')!, new RegExp(`^${env.sandbox.url}/sandbox/cashier/`))
      assert.equal((await fetch(opened.headers.get('location')!)).status, 200)
      assert.deepInclude(await channel.query(outTradeNo), { state: 'pending', amount: 1230 })
    }
  })

  test('a pay URL that was tampered with or has grown stale gets Alipay\'s error page', async ({ assert }) => {
    const channel = channelFor(env.sandbox, await newMerchant(env.sandbox))
    const start = await channel.createPayment({ outTradeNo: newOutTradeNo(), amount: 1230, description: '门票', expiresAt: new Date(Date.now() + 600_000), notifyUrl: env.inbox.url, method: 'wap' })
    const errorCode = async (change: (url: URL) => void) => {
      const url = new URL((start as { url: string }).url)
      change(url)
      const page = await fetch(url, { redirect: 'manual' })
      assert.equal(page.status, 400)
      return /错误代码 ([\w.-]+)/.exec(await page.text())?.[1]
    }
    const cheaper = (url: URL) => url.searchParams.set('biz_content', url.searchParams.get('biz_content')!.replace('12.30', '0.01'))
    assert.equal(await errorCode(cheaper), 'isv.invalid-signature')
    assert.equal(await errorCode((url) => url.searchParams.set('timestamp', '2020-01-01 00:00:00')), 'isv.invalid-timestamp')
  })

  test('precreate gives a QR code; scanning it opens the trade', async ({ assert }) => {
    const channel = channelFor(env.sandbox, await newMerchant(env.sandbox))
    const outTradeNo = newOutTradeNo()
    const start = await channel.createPayment({ outTradeNo, amount: 1, description: 'QR', expiresAt: new Date(Date.now() + 600_000), notifyUrl: env.inbox.url, method: 'precreate' })
    assert.equal(start.kind, 'qr')
    assert.equal((await channel.query(outTradeNo)).state, 'not_found')
    const scanned = await fetch((start as { url: string }).url, { redirect: 'manual' })
    assert.equal(scanned.status, 302)
    assert.include(scanned.headers.get('location')!, '/sandbox/cashier/')
    assert.deepInclude(await channel.query(outTradeNo), { state: 'pending', amount: 1 })
  })

  test('a paid trade queries as paid; closing it keeps it paid', async ({ assert }) => {
    const credentials = await newMerchant(env.sandbox)
    const channel = channelFor(env.sandbox, credentials)
    const { outTradeNo } = await openedPayment(channel, env.inbox.url)
    await settle(env.sandbox, credentials.appId, outTradeNo)
    const paid = await channel.query(outTradeNo)
    assert.deepInclude(paid, { state: 'paid', amount: 1000, currency: 'CNY' })
    assert.match(paid.channelTradeNo!, /^\d{28}$/)
    assert.instanceOf(paid.paidAt, Date)
    assert.equal((await channel.close(outTradeNo)).state, 'paid')
  })

  test('closing an unpaid trade closes it; one never opened is not found', async ({ assert }) => {
    const channel = channelFor(env.sandbox, await newMerchant(env.sandbox))
    const { outTradeNo } = await openedPayment(channel, env.inbox.url)
    assert.deepInclude(await channel.close(outTradeNo), { state: 'closed', closedAfterPayment: false })
    assert.equal((await channel.query(outTradeNo)).state, 'closed')
    assert.equal((await channel.close(newOutTradeNo())).state, 'not_found')
  })

  test('after paying, the browser returns to return_url with signed parameters', async ({ assert }) => {
    const credentials = await newMerchant(env.sandbox)
    const channel = channelFor(env.sandbox, credentials)
    const { outTradeNo, cashierUrl } = await openedPayment(channel, env.inbox.url)
    const back = await fetch(cashierUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=pay', redirect: 'manual' })
    assert.equal(back.status, 303)
    const location = new URL(back.headers.get('location')!)
    assert.equal(location.origin + location.pathname, 'https://venue.example/orders/42')
    const params = Object.fromEntries(location.searchParams)
    assert.deepInclude(params, { from: 'alipay', method: 'alipay.trade.wap.pay.return', out_trade_no: outTradeNo, total_amount: '10.00', app_id: credentials.appId })
    const { from, ...signed } = params
    const verifier = new AlipaySdk({ appId: credentials.appId, privateKey: credentials.privateKey.trim(), keyType: 'PKCS8', alipayPublicKey: credentials.alipayPublicKey.trim() })
    assert.isTrue(verifier.checkNotifySignV2(signed))
  })

  test('testConnection passes; a request signed with another key is refused (isv.invalid-signature)', async ({ assert }) => {
    const credentials = await newMerchant(env.sandbox)
    await channelFor(env.sandbox, credentials).testConnection()
    const stranger = await newMerchant(env.sandbox)
    const error = await rejection(channelFor(env.sandbox, { ...credentials, privateKey: stranger.privateKey }).testConnection())
    assert.instanceOf(error, ChannelError)
    assert.equal(error.code, 'isv.invalid-signature')
  })
})

test.group('Alipay channel · notifications', (group) => {
  const env = withSandbox(group)

  /** A paid trade's TRADE_SUCCESS notification, with the given faults. */
  async function paidNotification(faults: NotificationFaults = {}) {
    const credentials = await newMerchant(env.sandbox)
    const channel = channelFor(env.sandbox, credentials)
    const { outTradeNo } = await openedPayment(channel, env.inbox.url, 1230)
    await settle(env.sandbox, credentials.appId, outTradeNo, 'pay', faults)
    const notification = await env.inbox.waitFor({ out_trade_no: outTradeNo, trade_status: 'TRADE_SUCCESS' })
    return { channel, credentials, outTradeNo, notification }
  }

  test('a payment notification reads as the paid trade and is acknowledged with "success"', async ({ assert }) => {
    const { channel, credentials, outTradeNo, notification } = await paidNotification()
    assert.include(notification.headers['content-type'], 'application/x-www-form-urlencoded')
    const [event] = await channel.readNotification(notification)
    assert.equal(event.type, 'payment')
    const trade = (event as Extract<typeof event, { type: 'payment' }>).trade
    assert.deepInclude(trade, { outTradeNo, state: 'paid', amount: 1230, merchantId: credentials.appId, refundedAmount: undefined })
    assert.match(trade.channelTradeNo!, /^\d{28}$/)
    assert.instanceOf(trade.paidAt, Date)
    assert.deepEqual(channel.acknowledge(true), { status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' })
    assert.equal(channel.acknowledge(false).body, 'fail')
  })

  test('tampered, stale, foreign and malformed notifications are rejected', async ({ assert }) => {
    const tampered = await paidNotification({ badSignature: true })
    assert.equal((await rejection(tampered.channel.readNotification(tampered.notification))).reason, 'signature')

    const stale = await paidNotification({ staleTimestamp: true })
    assert.equal((await rejection(stale.channel.readNotification(stale.notification))).reason, 'timestamp')

    // Correctly signed by Alipay, but for merchant B: merchant A's channel must not take it.
    const other = await paidNotification()
    const error = await rejection(tampered.channel.readNotification(other.notification))
    assert.instanceOf(error, NotificationRejected)
    assert.equal(error.reason, 'merchant')

    assert.equal((await rejection(tampered.channel.readNotification({ headers: {}, rawBody: 'hello' }))).reason, 'format')
  })

  test('a correctly signed notification with another amount reads with that amount', async ({ assert }) => {
    const { channel, notification } = await paidNotification({ alterAmount: 100 })
    const [event] = await channel.readNotification(notification)
    assert.deepInclude((event as Extract<typeof event, { type: 'payment' }>).trade, { state: 'paid', amount: 1330 })
  })

  test('refused notifications are retried until the answer is "success"', async ({ assert }) => {
    const credentials = await newMerchant(env.sandbox)
    const channel = channelFor(env.sandbox, credentials)
    const { outTradeNo } = await openedPayment(channel, env.inbox.url)
    env.inbox.answers.set(outTradeNo, ['fail', 'fail'])
    await settle(env.sandbox, credentials.appId, outTradeNo)
    await env.sandbox.context.notifier.idle()
    const all = (await (await fetch(`${env.sandbox.url}/sandbox/deliveries?gateway=alipay`)).json()) as DeliveryRecord[]
    const deliveries = all.filter((delivery) => delivery.subject.includes(outTradeNo))
    assert.deepEqual(
      deliveries.map((delivery) => [delivery.attempt, delivery.accepted, delivery.response]),
      [
        [1, false, 'fail'],
        [2, false, 'fail'],
        [3, true, 'success'],
      ]
    )
  })

  test('a cancelled payment notifies TRADE_CLOSED, not after payment', async ({ assert }) => {
    const credentials = await newMerchant(env.sandbox)
    const channel = channelFor(env.sandbox, credentials)
    const { outTradeNo } = await openedPayment(channel, env.inbox.url)
    await settle(env.sandbox, credentials.appId, outTradeNo, 'cancel')
    const [event] = await channel.readNotification(await env.inbox.waitFor({ out_trade_no: outTradeNo, trade_status: 'TRADE_CLOSED' }))
    assert.deepInclude((event as Extract<typeof event, { type: 'payment' }>).trade, { state: 'closed', closedAfterPayment: false })
  })
})

test.group('Alipay channel · refunds', (group) => {
  const env = withSandbox(group)

  test('a partial then the full refund: TRADE_SUCCESS with refund_fee, then TRADE_CLOSED', async ({ assert }) => {
    const credentials = await newMerchant(env.sandbox)
    const channel = channelFor(env.sandbox, credentials)
    const { outTradeNo } = await openedPayment(channel, env.inbox.url, 1000)
    await settle(env.sandbox, credentials.appId, outTradeNo)
    const refund = (outRefundNo: string, amount: number) => channel.refund({ outTradeNo, outRefundNo, amount, totalAmount: 1000, reason: '退票', notifyUrl: env.inbox.url })
    const payment = (notification: IncomingNotification) =>
      channel.readNotification(notification).then(([event]) => (event as Extract<typeof event, { type: 'payment' }>).trade)

    assert.deepInclude(await refund(`${outTradeNo}-R1`, 300), { state: 'succeeded', amount: 300 })
    assert.deepInclude(await payment(await env.inbox.waitFor({ out_trade_no: outTradeNo, refund_fee: '3.00' })), {
      state: 'paid',
      refundedAmount: 300,
      amount: 1000,
    })

    const over = await rejection(refund(`${outTradeNo}-R2`, 800))
    assert.instanceOf(over, ChannelError)
    assert.equal(over.code, 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL')

    assert.deepInclude(await refund(`${outTradeNo}-R3`, 700), { state: 'succeeded', amount: 700 })
    const closing = await env.inbox.waitFor({ out_trade_no: outTradeNo, refund_fee: '10.00' })
    assert.equal(new URLSearchParams(closing.rawBody).get('trade_status'), 'TRADE_CLOSED')
    assert.deepInclude(await payment(closing), { state: 'closed', closedAfterPayment: true, refundedAmount: 1000 })

    assert.deepInclude(await channel.query(outTradeNo), { state: 'closed', closedAfterPayment: true })
    assert.deepInclude(await channel.queryRefund(`${outTradeNo}-R1`, outTradeNo), { state: 'succeeded', amount: 300 })
    assert.equal((await channel.queryRefund(`${outTradeNo}-R2`, outTradeNo)).state, 'not_found')
    // The same refund again moves no money and still reads as succeeded.
    assert.deepInclude(await refund(`${outTradeNo}-R1`, 300), { state: 'succeeded', amount: 300 })
  })

  test('a refund Alipay declines is a ChannelError', async ({ assert }) => {
    const credentials = await newMerchant(env.sandbox)
    const channel = channelFor(env.sandbox, credentials)
    const { outTradeNo } = await openedPayment(channel, env.inbox.url)
    await settle(env.sandbox, credentials.appId, outTradeNo)
    await post(`${env.sandbox.url}/sandbox/faults`, { gateway: 'alipay', faults: { refundOutcome: 'closed' } })
    const error = await rejection(channel.refund({ outTradeNo, outRefundNo: `${outTradeNo}-R`, amount: 100, totalAmount: 1000, reason: '退票', notifyUrl: env.inbox.url }))
    assert.equal(error.code, 'ACQ.SELLER_BALANCE_NOT_ENOUGH')
    assert.equal((await channel.queryRefund(`${outTradeNo}-R`, outTradeNo)).state, 'not_found')
  })
})

test.group('Alipay channel · key rotation', (group) => {
  const env = withSandbox(group)

  test('after the sandbox rotates its key, the old public key refuses answers until reconfigured', async ({ assert }) => {
    const credentials = await newMerchant(env.sandbox)
    await channelFor(env.sandbox, credentials).testConnection()
    await post(`${env.sandbox.url}/sandbox/keys/rotate`, { gateway: 'alipay' })

    const error = await rejection(channelFor(env.sandbox, credentials).testConnection())
    assert.instanceOf(error, ChannelError)
    assert.equal(error.code, 'INVALID_RESPONSE_SIGNATURE')

    const { alipayPublicKey } = (await (await fetch(`${env.sandbox.url}/sandbox/alipay/public-key`)).json()) as { alipayPublicKey: string }
    assert.notEqual(alipayPublicKey, credentials.alipayPublicKey)
    await channelFor(env.sandbox, { ...credentials, alipayPublicKey }).testConnection()
  })
})
