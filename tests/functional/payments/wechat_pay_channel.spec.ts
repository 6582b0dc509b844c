import { test } from '@japa/runner'
import { createPublicKey, createVerify } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { ChannelError, NotificationRejected, type IncomingNotification, type PaymentChannel, type PaymentRequest } from '#payments/channel'
import type { WechatPayCredentials } from '#payments/credentials'
import { sandboxGateways } from '#payments/gateways'
import { createWechatPayChannel } from '#payments/wechat_pay/wechat_pay_channel'
import { wechatPayGateway } from '#sandbox/gateways/wechat_pay'
import type { WechatPayBooks } from '#sandbox/gateways/wechat_pay/keys'
import type { NotificationFaults } from '#sandbox/notifier'
import { startSandbox, type Sandbox } from '#sandbox/sandbox_server'

async function readAll(request: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function listen(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
}

/** The platform's notify endpoint in these tests: keeps every delivery (headers, raw body) per path, answers 204 unless scripted otherwise. */
class Inbox {
  readonly #received = new Map<string, IncomingNotification[]>()
  readonly #scripts = new Map<string, number[]>()
  readonly #server = createServer(async (request, response) => {
    const key = request.url!.slice(1)
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]))
    const incoming = { headers, rawBody: await readAll(request) }
    this.#received.set(key, [...(this.#received.get(key) ?? []), incoming])
    response.writeHead(this.#scripts.get(key)?.shift() ?? 204).end()
  })
  url = ''

  static async open() {
    const inbox = new Inbox()
    inbox.url = await listen(inbox.#server)
    return inbox
  }

  /** Where notifications about `key` (an out_trade_no or out_refund_no) are sent. */
  notifyUrl(key: string) {
    return `${this.url}/${key}`
  }

  /** Answer the next deliveries for `key` with these statuses. */
  script(key: string, statuses: number[]) {
    this.#scripts.set(key, statuses)
  }

  /** The next delivery about `key` (waits for it). */
  async next(key: string): Promise<IncomingNotification> {
    const deadline = Date.now() + 5_000
    while (Date.now() < deadline) {
      const delivery = this.#received.get(key)?.shift()
      if (delivery) return delivery
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    throw new Error(`no notification about ${key}`)
  }

  close() {
    this.#server.closeAllConnections()
    this.#server.close()
  }
}

interface World {
  sandbox: Sandbox
  inbox: Inbox
}

/** Each group: its own in-memory sandbox (time compressed 1000×) and notify endpoint. */
function world(group: { setup(handler: () => Promise<() => Promise<void>>): void }): World {
  const opened = {} as World
  group.setup(async () => {
    opened.sandbox = await startSandbox({ gateways: [wechatPayGateway], timeScale: 0.001 })
    opened.inbox = await Inbox.open()
    return async () => {
      opened.inbox.close()
      await opened.sandbox.close()
    }
  })
  return opened
}

async function control(sandbox: Sandbox, path: string, body: object): Promise<any> {
  const response = await fetch(`${sandbox.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

const registerMerchant = (sandbox: Sandbox, mode?: 'public_key'): Promise<WechatPayCredentials> =>
  control(sandbox, '/sandbox/merchants', { gateway: 'wechatpay', mode })

const channelFor = (sandbox: Sandbox, credentials: WechatPayCredentials, baseUrl = sandboxGateways(sandbox.url).wechatPay) =>
  createWechatPayChannel(credentials, { baseUrl })

let sequence = 0
const outNo = (prefix: string) => `${prefix}${Date.now()}${++sequence}`

function order({ inbox }: World, overrides: Partial<PaymentRequest> = {}): PaymentRequest {
  const outTradeNo = overrides.outTradeNo ?? outNo('T')
  return {
    outTradeNo,
    amount: 100,
    description: '门票 Ticket ×1',
    expiresAt: new Date(Date.now() + 15 * 60_000),
    notifyUrl: inbox.notifyUrl(outTradeNo),
    method: 'native',
    ...overrides,
  }
}

const settle = (sandbox: Sandbox, channel: PaymentChannel, outTradeNo: string, faults?: NotificationFaults) =>
  control(sandbox, '/sandbox/trades/settle', { gateway: 'wechatpay', merchantId: channel.merchantId, outTradeNo, outcome: 'pay', faults })

/** An order paid at the cashier, its TRANSACTION.SUCCESS notification read. */
async function paidOrder(opened: World, channel: PaymentChannel, amount = 100) {
  const request = order(opened, { amount })
  await channel.createPayment(request)
  await settle(opened.sandbox, channel, request.outTradeNo)
  await channel.readNotification(await opened.inbox.next(request.outTradeNo))
  return request.outTradeNo
}

async function failure<E extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => E): Promise<E> {
  try {
    await promise
  } catch (error) {
    if (error instanceof type) return error
    throw error
  }
  throw new Error(`expected a ${type.name}`)
}

test.group('WeChat Pay channel: paying', (group) => {
  const opened = world(group)

  test('native, JSAPI and H5 orders give what the browser needs', async ({ assert }) => {
    const credentials = await registerMerchant(opened.sandbox)
    const channel = channelFor(opened.sandbox, credentials)

    const native = await channel.createPayment(order(opened))
    assert.equal(native.kind, 'qr')
    assert.match(native.kind === 'qr' ? native.url : '', new RegExp(`^${opened.sandbox.url}/sandbox/cashier/`))

    const jsapi = await channel.createPayment(order(opened, { method: 'jsapi', payer: { openid: 'o-visitor-openid' } }))
    if (jsapi.kind !== 'jsapi') throw new Error('expected JSAPI parameters')
    const { appId, timeStamp, nonceStr, package: pkg, signType, paySign } = jsapi.jsapi
    assert.equal(appId, credentials.appid)
    assert.equal(signType, 'RSA')
    assert.match(pkg, /^prepay_id=wx\w+$/)
    const signed = createVerify('RSA-SHA256').update(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`)
    assert.isTrue(signed.verify(createPublicKey(credentials.privateKey), paySign, 'base64'))
    const cashier = await fetch(`${opened.sandbox.url}/wechatpay/cashier/${pkg.slice('prepay_id='.length)}`, { redirect: 'manual' })
    assert.equal(cashier.status, 302)
    assert.match(cashier.headers.get('location')!, /\/sandbox\/cashier\//)
    assert.equal((await failure(channel.createPayment(order(opened, { method: 'jsapi' })), ChannelError)).code, 'PARAM_ERROR')

    const h5Order = order(opened, { method: 'h5', payer: { clientIp: '203.0.113.7' }, returnUrl: 'https://venue.example/orders/42?paid=1' })
    const h5 = await channel.createPayment(h5Order)
    if (h5.kind !== 'redirect') throw new Error('expected an h5_url')
    assert.include(h5.url, `redirect_url=${encodeURIComponent('https://venue.example/orders/42?paid=1')}`)
    const page = await fetch(h5.url, { redirect: 'manual' })
    const paid = await fetch(page.headers.get('location')!, { method: 'POST', body: new URLSearchParams({ outcome: 'pay' }), redirect: 'manual' })
    assert.equal(paid.status, 303)
    assert.equal(paid.headers.get('location'), 'https://venue.example/orders/42?paid=1')
    assert.equal((await channel.query(h5Order.outTradeNo)).state, 'paid')
  })

  test('query says pending, paid or not found; testConnection proves the keys', async ({ assert }) => {
    const channel = channelFor(opened.sandbox, await registerMerchant(opened.sandbox))
    const request = order(opened, { amount: 2590 })
    await channel.createPayment(request)

    const pending = await channel.query(request.outTradeNo)
    assert.containsSubset(pending, { outTradeNo: request.outTradeNo, state: 'pending', amount: 2590, merchantId: channel.merchantId })
    await settle(opened.sandbox, channel, request.outTradeNo)
    const paid = await channel.query(request.outTradeNo)
    assert.containsSubset(paid, { state: 'paid', amount: 2590, currency: 'CNY' })
    assert.match(paid.channelTradeNo!, /^4200\d{24}$/)
    assert.instanceOf(paid.paidAt, Date)
    assert.deepEqual(await channel.query('NEVER-PLACED-1'), { outTradeNo: 'NEVER-PLACED-1', state: 'not_found' })
    await channel.testConnection()
  })

  test('close: an unpaid order closes, a paid one stays paid', async ({ assert }) => {
    const channel = channelFor(opened.sandbox, await registerMerchant(opened.sandbox))
    const unpaid = order(opened)
    await channel.createPayment(unpaid)
    assert.equal((await channel.close(unpaid.outTradeNo)).state, 'closed')
    // Paying a closed order again is refused like WeChat does.
    assert.equal((await failure(channel.createPayment(unpaid), ChannelError)).code, 'ORDER_CLOSED')

    const paid = await paidOrder(opened, channel)
    assert.equal((await channel.close(paid)).state, 'paid')
  })

  test('a payment notifies; readNotification gives the paid trade', async ({ assert }) => {
    const credentials = await registerMerchant(opened.sandbox)
    const channel = channelFor(opened.sandbox, credentials)
    const request = order(opened, { amount: 8800 })
    await channel.createPayment(request)
    await settle(opened.sandbox, channel, request.outTradeNo)

    const notification = await opened.inbox.next(request.outTradeNo)
    const [event] = await channel.readNotification(notification)
    if (event.type !== 'payment') throw new Error('expected a payment event')
    assert.containsSubset(event.trade, {
      outTradeNo: request.outTradeNo,
      state: 'paid',
      amount: 8800,
      currency: 'CNY',
      merchantId: credentials.mchid,
      appId: credentials.appid,
    })
    assert.equal(event.trade.channelTradeNo, (await channel.query(request.outTradeNo)).channelTradeNo)
    assert.instanceOf(event.trade.paidAt, Date)
    assert.deepEqual(channel.acknowledge(true), { status: 204, contentType: 'application/json; charset=utf-8', body: '' })
    assert.deepEqual(JSON.parse(channel.acknowledge(false, 'amount differs').body), { code: 'FAIL', message: 'amount differs' })
  })

  test('an unanswered notification is retried on the schedule until accepted', async ({ assert }) => {
    const channel = channelFor(opened.sandbox, await registerMerchant(opened.sandbox))
    const request = order(opened)
    await channel.createPayment(request)
    opened.inbox.script(request.outTradeNo, [500, 500])
    await settle(opened.sandbox, channel, request.outTradeNo)
    for (let delivery = 0; delivery < 3; delivery++) await opened.inbox.next(request.outTradeNo)
    await opened.sandbox.context.notifier.idle()

    const deliveries = (await (await fetch(`${opened.sandbox.url}/sandbox/deliveries?gateway=wechatpay`)).json()) as any[]
    const ours = deliveries.filter((delivery: any) => delivery.subject.includes(request.outTradeNo))
    assert.deepEqual(
      ours.map((delivery: any) => [delivery.attempt, delivery.status, delivery.accepted]),
      [
        [1, 500, false],
        [2, 500, false],
        [3, 204, true],
      ]
    )
  })

  test('the sandbox refuses what WeChat refuses', async ({ assert }) => {
    const credentials = await registerMerchant(opened.sandbox)
    const channel = channelFor(opened.sandbox, credentials)

    const forged = await fetch(`${opened.sandbox.url}/wechatpay/v3/pay/transactions/out-trade-no/ANY-ORDER-1?mchid=${credentials.mchid}`, {
      headers: {
        authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${credentials.mchid}",serial_no="${credentials.serialNo}",timestamp="${Math.floor(Date.now() / 1000)}",nonce_str="abc",signature="Zm9yZ2Vk"`,
      },
    })
    assert.equal(forged.status, 401)
    assert.equal(((await forged.json()) as any).code, 'SIGN_ERROR')
    assert.equal((await fetch(`${opened.sandbox.url}/wechatpay/v3/certificates`)).status, 401)

    const soon = order(opened, { expiresAt: new Date(Date.now() + 30_000) })
    assert.equal((await failure(channel.createPayment(soon), ChannelError)).code, 'PARAM_ERROR')
    const first = order(opened)
    await channel.createPayment(first)
    await channel.createPayment(first) // the same terms again: the same order
    assert.equal((await failure(channel.createPayment({ ...first, amount: 1 }), ChannelError)).code, 'INVALID_REQUEST')
  })
})

test.group('WeChat Pay channel: verification modes and key rotation', (group) => {
  const opened = world(group)

  test('public-key mode: answers and notifications are signed with the WeChat Pay public key', async ({ assert }) => {
    const credentials = await registerMerchant(opened.sandbox, 'public_key')
    assert.match(credentials.publicKeyId!, /^PUB_KEY_ID_0112\d+$/)
    const channel = channelFor(opened.sandbox, credentials)
    const request = order(opened)
    await channel.createPayment(request)
    await settle(opened.sandbox, channel, request.outTradeNo)

    const notification = await opened.inbox.next(request.outTradeNo)
    assert.equal(notification.headers['wechatpay-serial'], credentials.publicKeyId)
    const [event] = await channel.readNotification(notification)
    assert.containsSubset(event, { type: 'payment', trade: { state: 'paid', amount: 100 } })
    assert.equal((await channel.query(request.outTradeNo)).state, 'paid')
  })

  test('a merchant switching over verifies with either key', async ({ assert }) => {
    const { publicKeyId, publicKey } = await registerMerchant(opened.sandbox, 'public_key')
    // Registered with platform certificates, configured with a public key too: the first answer names a certificate to fetch.
    const channel = channelFor(opened.sandbox, { ...(await registerMerchant(opened.sandbox)), publicKeyId, publicKey })
    const request = order(opened)
    await channel.createPayment(request)
    await settle(opened.sandbox, channel, request.outTradeNo)
    const [event] = await channel.readNotification(await opened.inbox.next(request.outTradeNo))
    assert.containsSubset(event, { type: 'payment', trade: { state: 'paid' } })
  })

  test('a platform certificate rotation: new signatures verify after a refresh', async ({ assert }) => {
    const credentials = await registerMerchant(opened.sandbox)
    const reader = channelFor(opened.sandbox, credentials)
    const caller = channelFor(opened.sandbox, credentials)
    const request = order(opened)
    // Both have fetched the certificates before the rotation.
    await reader.createPayment(request)
    await caller.query(request.outTradeNo)

    await control(opened.sandbox, '/sandbox/keys/rotate', { gateway: 'wechatpay' })
    await settle(opened.sandbox, reader, request.outTradeNo)
    const notification = await opened.inbox.next(request.outTradeNo)
    const [event] = await reader.readNotification(notification)
    assert.containsSubset(event, { type: 'payment', trade: { state: 'paid' } })
    // The other instance learns the new certificate from an answer signed with it.
    assert.equal((await caller.query(request.outTradeNo)).state, 'paid')

    // A serial still unknown (the certificates were just refreshed) is refused.
    const unknown = { ...notification, headers: { ...notification.headers, 'wechatpay-serial': '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' } }
    assert.equal((await failure(reader.readNotification(unknown), NotificationRejected)).reason, 'signature')
  })

  test('an answer whose signature does not verify is a ChannelError', async ({ assert }) => {
    const credentials = await registerMerchant(opened.sandbox)
    const honest = channelFor(opened.sandbox, credentials)
    const request = order(opened)
    await honest.createPayment(request)

    // A man in the middle lowers the amount of query answers and keeps the signature headers.
    const proxy = createServer(async (incoming, outgoing) => {
      const body = await readAll(incoming)
      const upstream = await fetch(`${opened.sandbox.url}${incoming.url}`, {
        method: incoming.method,
        headers: { 'authorization': incoming.headers.authorization ?? '', 'content-type': 'application/json' },
        body: body || undefined,
      })
      const headers = Object.fromEntries([...upstream.headers].filter(([name]) => name.startsWith('wechatpay-') || name === 'content-type'))
      const text = await upstream.text()
      outgoing.writeHead(upstream.status, headers).end(incoming.url!.includes('/out-trade-no/') ? text.replace('"total":100', '"total":1') : text)
    })
    const proxyUrl = await listen(proxy)
    try {
      const misled = channelFor(opened.sandbox, credentials, `${proxyUrl}/wechatpay`)
      await misled.testConnection() // untouched answers pass through the proxy fine
      assert.equal((await failure(misled.query(request.outTradeNo), ChannelError)).code, 'RESPONSE_SIGNATURE')
    } finally {
      proxy.closeAllConnections()
      proxy.close()
    }
  })
})

test.group('WeChat Pay channel: notifications that must change nothing', (group) => {
  const opened = world(group)

  test('{what} is refused ({reason})')
    .with([
      { what: 'a body changed after signing', faults: { badSignature: true }, reason: 'signature' },
      { what: 'a 10-minute-old timestamp', faults: { staleTimestamp: true }, reason: 'timestamp' },
      { what: 'a corrupted AES-GCM tag', faults: { badTag: true }, reason: 'decrypt' },
      { what: 'a WECHATPAY/SIGNTEST probe', faults: { signtest: true }, reason: 'probe' },
    ] as { what: string; faults: NotificationFaults; reason: string }[])
    .run(async ({ assert }, { faults, reason }) => {
      const channel = channelFor(opened.sandbox, await registerMerchant(opened.sandbox))
      const request = order(opened)
      await channel.createPayment(request)
      await settle(opened.sandbox, channel, request.outTradeNo, faults)
      const rejected = await failure(channel.readNotification(await opened.inbox.next(request.outTradeNo)), NotificationRejected)
      assert.equal(rejected.reason, reason)
      assert.equal((await channel.query(request.outTradeNo)).state, 'paid')
    })

  test('a correctly signed notification with another amount reads as that amount, for the order side to refuse', async ({ assert }) => {
    const channel = channelFor(opened.sandbox, await registerMerchant(opened.sandbox))
    const request = order(opened, { amount: 500 })
    await channel.createPayment(request)
    await settle(opened.sandbox, channel, request.outTradeNo, { alterAmount: 4500 })
    const [event] = await channel.readNotification(await opened.inbox.next(request.outTradeNo))
    assert.containsSubset(event, { type: 'payment', trade: { state: 'paid', amount: 5000 } })
    assert.equal((await channel.query(request.outTradeNo)).amount, 500)
  })

  test("another merchant's notification, or one without its headers, is refused", async ({ assert }) => {
    const ourCredentials = await registerMerchant(opened.sandbox)
    const ours = channelFor(opened.sandbox, ourCredentials)
    const theirs = channelFor(opened.sandbox, await registerMerchant(opened.sandbox))
    const paidTo = async (channel: PaymentChannel) => {
      const request = order(opened)
      await channel.createPayment(request)
      await settle(opened.sandbox, channel, request.outTradeNo)
      return opened.inbox.next(request.outTradeNo)
    }

    const notification = await paidTo(theirs)
    assert.equal((await failure(ours.readNotification(notification), NotificationRejected)).reason, 'decrypt')
    assert.lengthOf(await theirs.readNotification(notification), 1)
    assert.equal((await failure(ours.readNotification({ headers: {}, rawBody: notification.rawBody }), NotificationRejected)).reason, 'format')

    // Two merchant accounts set up with the same APIv3 key: theirs now decrypts here, and is still not ours.
    const books = opened.sandbox.context.state.section<WechatPayBooks>('wechatpay', () => ({}) as WechatPayBooks)
    books.merchants[theirs.merchantId].apiV3Key = ourCredentials.apiV3Key
    assert.equal((await failure(ours.readNotification(await paidTo(theirs)), NotificationRejected)).reason, 'merchant')
  })
})

test.group('WeChat Pay channel: refunds', (group) => {
  const opened = world(group)

  const refundOf = (outTradeNo: string, amount: number, totalAmount = 1000) => {
    const outRefundNo = outNo('R')
    return { outTradeNo, outRefundNo, amount, totalAmount, reason: '观众退票', notifyUrl: opened.inbox.notifyUrl(outRefundNo) }
  }

  test('partial and full refunds succeed; more than is left is refused', async ({ assert }) => {
    const channel = channelFor(opened.sandbox, await registerMerchant(opened.sandbox))
    const outTradeNo = await paidOrder(opened, channel, 1000)

    const partial = refundOf(outTradeNo, 300)
    const started = await channel.refund(partial)
    assert.containsSubset(started, { outTradeNo, outRefundNo: partial.outRefundNo, amount: 300 })
    assert.oneOf(started.state, ['processing', 'succeeded'])
    const [event] = await channel.readNotification(await opened.inbox.next(partial.outRefundNo))
    assert.containsSubset(event, { type: 'refund', refund: { outRefundNo: partial.outRefundNo, state: 'succeeded', amount: 300 } })
    assert.containsSubset(await channel.queryRefund(partial.outRefundNo, outTradeNo), { state: 'succeeded', amount: 300 })
    assert.equal((await channel.query(outTradeNo)).state, 'paid')

    const rest = refundOf(outTradeNo, 700)
    await channel.refund(rest)
    assert.containsSubset(await channel.readNotification(await opened.inbox.next(rest.outRefundNo)), [{ refund: { state: 'succeeded', amount: 700 } }])
    const over = await failure(channel.refund(refundOf(outTradeNo, 1)), ChannelError)
    assert.equal(over.code, 'NOT_ENOUGH')
    assert.deepEqual(await channel.queryRefund('R-NEVER-MADE', outTradeNo), { outTradeNo, outRefundNo: 'R-NEVER-MADE', state: 'not_found' })
  })

  test('a refund ending {outcome} reads as {state}')
    .with([
      { outcome: 'abnormal', state: 'abnormal' },
      { outcome: 'closed', state: 'failed' },
    ])
    .run(async ({ assert }, { outcome, state }) => {
      const channel = channelFor(opened.sandbox, await registerMerchant(opened.sandbox))
      const outTradeNo = await paidOrder(opened, channel, 1000)
      await control(opened.sandbox, '/sandbox/faults', { gateway: 'wechatpay', faults: { refundOutcome: outcome } })
      const refund = refundOf(outTradeNo, 1000)
      await channel.refund(refund)
      const notification = await opened.inbox.next(refund.outRefundNo)
      assert.equal(JSON.parse(notification.rawBody).event_type, `REFUND.${outcome.toUpperCase()}`)
      assert.containsSubset(await channel.readNotification(notification), [{ type: 'refund', refund: { state, amount: 1000 } }])
      assert.equal((await channel.queryRefund(refund.outRefundNo, outTradeNo)).state, state)
    })
})
