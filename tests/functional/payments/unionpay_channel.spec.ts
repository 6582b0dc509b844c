import { test } from '@japa/runner'
import { createServer, type Server } from 'node:http'
import { ChannelError, NotificationRejected, type IncomingNotification, type PaymentChannel } from '#payments/channel'
import type { UnionPayCredentials } from '#payments/credentials'
import { sandboxGateways } from '#payments/gateways'
import { certIdOf } from '#payments/unionpay/acp_client'
import { createUnionPayChannel, pollUntilFinal } from '#payments/unionpay/unionpay_channel'
import { newTradeNo } from '#payments/trade_numbers'
import { startSandbox, type Sandbox } from '#sandbox/sandbox_server'
import type { NotificationFaults } from '#sandbox/notifier'
import { unionPayGateway } from '#sandbox/gateways/unionpay'

/** A tiny platform endpoint: records every notification and answers what the test wants. */
class NotificationInbox {
  readonly received: (IncomingNotification & { orderId: string })[] = []
  respond: (orderId: string, attempt: number) => number = () => 200
  #server: Server = createServer()
  url = ''

  async start() {
    this.#server.on('request', async (request, response) => {
      let rawBody = ''
      for await (const chunk of request) rawBody += chunk
      const orderId = new URLSearchParams(rawBody).get('orderId') ?? ''
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]))
      this.received.push({ headers, rawBody, orderId })
      response.writeHead(this.respond(orderId, this.received.filter((entry) => entry.orderId === orderId).length), { 'content-type': 'text/plain' })
      response.end('ok')
    })
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    const address = this.#server.address()
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/notify`
  }

  /** The notifications about this orderId, once there are `count` of them. */
  async about(orderId: string, count = 1): Promise<IncomingNotification[]> {
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 10))) {
      const found = this.received.filter((entry) => entry.orderId === orderId)
      if (found.length >= count) return found
    }
    throw new Error(`Fewer than ${count} notifications about ${orderId}`)
  }

  close() {
    this.#server.closeAllConnections()
    return new Promise((resolve) => this.#server.close(resolve))
  }
}

async function control(sandbox: Sandbox, path: string, body: unknown) {
  const response = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

async function merchant(sandbox: Sandbox, merId?: string) {
  const credentials = (await control(sandbox, '/sandbox/merchants', { gateway: 'unionpay', merId })) as UnionPayCredentials
  return { credentials, channel: createUnionPayChannel(credentials, { baseUrl: sandboxGateways(sandbox.url).unionpay }) }
}

/** Creates a payment and posts its form as the browser would; returns the cashier redirect. */
async function openPayment(channel: PaymentChannel, inbox: NotificationInbox, amount = 8800, expiresAt = new Date(Date.now() + 15 * 60_000)) {
  const outTradeNo = newTradeNo()
  const start = await channel.createPayment({ outTradeNo, amount, description: '成人票 x2', expiresAt, notifyUrl: inbox.url, returnUrl: 'https://shop.example/pay/return', method: 'front' })
  if (start.kind !== 'form') throw new Error(`Expected a form, got ${start.kind}`)
  const response = await fetch(start.form.action, { method: 'POST', body: new URLSearchParams(start.form.fields), redirect: 'manual' })
  return { outTradeNo, start, response }
}

function settle(sandbox: Sandbox, channel: PaymentChannel, outTradeNo: string, outcome: 'pay' | 'cancel' = 'pay', faults: NotificationFaults = {}) {
  return control(sandbox, '/sandbox/trades/settle', { gateway: 'unionpay', merchantId: channel.merchantId, outTradeNo, outcome, faults })
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('Expected a rejection')
}

test.group('UnionPay channel · payments', (group) => {
  let sandbox: Sandbox
  let inbox: NotificationInbox
  let channel: PaymentChannel
  let credentials: UnionPayCredentials

  group.setup(async () => {
    sandbox = await startSandbox({ gateways: [unionPayGateway], timeScale: 0.001 })
    inbox = new NotificationInbox()
    await inbox.start()
    ;({ channel, credentials } = await merchant(sandbox))
    return async () => {
      await sandbox.close()
      await inbox.close()
    }
  })
  group.each.setup(() => {
    inbox.respond = () => 200
  })

  /** A paid payment and its (first) notification. */
  async function paid(faults: NotificationFaults = {}, payer = channel) {
    const { outTradeNo } = await openPayment(payer, inbox)
    await settle(sandbox, payer, outTradeNo, 'pay', faults)
    const [notification] = await inbox.about(outTradeNo)
    return { outTradeNo, notification }
  }

  test('the signed front form opens the trade and leads to the cashier', async ({ assert }) => {
    const { outTradeNo, start, response } = await openPayment(channel, inbox)
    assert.equal(start.kind === 'form' && start.form.action, `${sandbox.url}/unionpay/gateway/api/frontTransReq.do`)
    const fields = start.kind === 'form' ? start.form.fields : {}
    assert.include(fields, { txnType: '01', txnSubType: '01', bizType: '000201', channelType: '08', accessType: '0', currencyCode: '156', txnAmt: '8800', orderId: outTradeNo })
    assert.equal(fields.txnTime, outTradeNo.slice(0, 14))
    assert.equal(fields.certId, certIdOf(credentials.signCertificate))
    assert.equal(response.status, 302)
    assert.match(response.headers.get('location') ?? '', new RegExp(`^${sandbox.url}/sandbox/cashier/\\w+$`))
    assert.include(await channel.query(outTradeNo), { outTradeNo, state: 'pending', amount: 8800, merchantId: credentials.merId })
    await channel.testConnection()
  })

  test('paying at the cashier posts the signed result back to frontUrl', async ({ assert }) => {
    const { outTradeNo, response } = await openPayment(channel, inbox)
    const cashier = await fetch(response.headers.get('location')!, { method: 'POST', body: new URLSearchParams({ outcome: 'pay' }), redirect: 'manual' })
    const page = await cashier.text()
    assert.include(page, 'action="https://shop.example/pay/return"')
    const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    const fields = [...page.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map(([, name, value]) => [name, unescape(value)])
    const [event] = await channel.readNotification({ headers: {}, rawBody: new URLSearchParams(fields).toString() })
    assert.deepInclude(event.type === 'payment' && event.trade, { outTradeNo, state: 'paid', amount: 8800 })
  })

  test('the gateway shows an error page for a tampered form, refuses a reused orderId', async ({ assert }) => {
    const { start } = await openPayment(channel, inbox)
    const fields = start.kind === 'form' ? start.form.fields : {}
    const tampered = await fetch(`${sandbox.url}/unionpay/gateway/api/frontTransReq.do`, { method: 'POST', body: new URLSearchParams({ ...fields, txnAmt: '1' }), redirect: 'manual' })
    assert.equal(tampered.status, 200)
    assert.include(await tampered.text(), '验证签名失败')
    const again = await fetch(`${sandbox.url}/unionpay/gateway/api/frontTransReq.do`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' })
    assert.equal(again.status, 302, 'the same form again comes back to its cashier')
    await settle(sandbox, channel, fields.orderId)
    const reused = await fetch(`${sandbox.url}/unionpay/gateway/api/frontTransReq.do`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' })
    assert.include(await reused.text(), '重复交易')
  })

  test('an orderId not starting with its txnTime is refused', async ({ assert }) => {
    const error = await rejection(channel.createPayment({ outTradeNo: 'ORDER-1', amount: 100, description: 'x', expiresAt: new Date(), notifyUrl: inbox.url, returnUrl: 'https://shop.example', method: 'front' }))
    assert.instanceOf(error, ChannelError)
    assert.equal(error.code, 'invalid_request')
  })

  test('query: not_found, then closed after a cancel', async ({ assert }) => {
    assert.equal((await channel.query(newTradeNo())).state, 'not_found')
    const { outTradeNo } = await openPayment(channel, inbox)
    assert.equal((await channel.close(outTradeNo)).state, 'pending', 'before payTimeout the visitor may still pay')
    await settle(sandbox, channel, outTradeNo, 'cancel')
    assert.equal((await channel.close(outTradeNo)).state, 'closed')
  })

  test('a paid notification verifies and says paid with the amount', async ({ assert }) => {
    const { outTradeNo, notification } = await paid()
    assert.match(notification.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/)
    const [event] = await channel.readNotification(notification)
    const queried = await channel.query(outTradeNo)
    assert.deepEqual(event, { type: 'payment', trade: queried })
    assert.include(queried, { state: 'paid', amount: 8800, merchantId: credentials.merId })
    assert.match(queried.channelTradeNo ?? '', /^\d{21}$/)
    assert.instanceOf(queried.paidAt, Date)
    assert.deepEqual(channel.acknowledge(true), { status: 200, contentType: 'text/plain', body: 'ok' })
    assert.equal(channel.acknowledge(false).status, 500)
  })

  test('a notification changed after signing is rejected', async ({ assert }) => {
    const { notification } = await paid({ badSignature: true })
    const error = await rejection(channel.readNotification(notification))
    assert.instanceOf(error, NotificationRejected)
    assert.equal(error.reason, 'signature')
  })

  test('a correctly signed other amount is read as sent', async ({ assert }) => {
    const { notification } = await paid({ alterAmount: 1 })
    const [event] = await channel.readNotification(notification)
    assert.equal(event.type === 'payment' && event.trade.amount, 8801)
  })

  test('another merchant’s notification is rejected', async ({ assert }) => {
    const other = await merchant(sandbox)
    const { notification } = await paid({}, other.channel)
    assert.lengthOf(await other.channel.readNotification(notification), 1)
    assert.equal((await rejection(channel.readNotification(notification))).reason, 'merchant')
  })

  test('a notification signed under another root is rejected', async ({ assert }) => {
    const elsewhere = await startSandbox({ gateways: [unionPayGateway], timeScale: 0.001 })
    try {
      const twin = await merchant(elsewhere, credentials.merId)
      const { outTradeNo } = await openPayment(twin.channel, inbox)
      await settle(elsewhere, twin.channel, outTradeNo)
      const [notification] = await inbox.about(outTradeNo)
      assert.lengthOf(await twin.channel.readNotification(notification), 1)
      const error = await rejection(channel.readNotification(notification))
      assert.equal(error.reason, 'signature')
      assert.match(error.message, /does not chain/)
    } finally {
      await elsewhere.close()
    }
  })

  test('malformed notifications are rejected as format', async ({ assert }) => {
    assert.equal((await rejection(channel.readNotification({ headers: {}, rawBody: '' }))).reason, 'format')
    assert.equal((await rejection(channel.readNotification({ headers: {}, rawBody: 'hello=world' }))).reason, 'format')
  })

  test('refused notifications are retried until answered 200', async ({ assert }) => {
    inbox.respond = (_, attempt) => (attempt <= 2 ? 500 : 200)
    const { outTradeNo } = await paid()
    const deliveries = await inbox.about(outTradeNo, 3)
    assert.lengthOf(deliveries, 3)
    await sandbox.context.notifier.idle()
    const log = sandbox.context.notifier.deliveries.filter((delivery) => delivery.subject.endsWith(outTradeNo))
    assert.deepEqual(
      log.map((delivery) => [delivery.attempt, delivery.status, delivery.accepted]),
      [
        [1, 500, false],
        [2, 500, false],
        [3, 200, true],
      ]
    )
  })

  test('after the sandbox rotates its keys, answers and notifications still verify', async ({ assert }) => {
    const { notification: before } = await paid()
    await control(sandbox, '/sandbox/keys/rotate', { gateway: 'unionpay' })
    const { outTradeNo, notification: after } = await paid()
    const certificate = (rawBody: string) => new URLSearchParams(rawBody).get('signPubKeyCert')
    assert.notEqual(certificate(after.rawBody), certificate(before.rawBody))
    assert.lengthOf(await channel.readNotification(after), 1)
    assert.equal((await channel.query(outTradeNo)).state, 'paid')
  })

  test('a request signed with the wrong key fails with UnionPay’s answer code', async ({ assert }) => {
    const other = await merchant(sandbox)
    const forged = createUnionPayChannel({ ...credentials, signPrivateKey: other.credentials.signPrivateKey }, { baseUrl: sandboxGateways(sandbox.url).unionpay })
    const error = await rejection(forged.query(newTradeNo()))
    assert.instanceOf(error, ChannelError)
    assert.equal(error.code, '11')
    assert.match(error.message, /验证签名失败/)
  })

  test('pollUntilFinal queries at growing intervals until the payment is final', async ({ assert }) => {
    const { outTradeNo } = await openPayment(channel, inbox)
    setTimeout(() => void settle(sandbox, channel, outTradeNo), 60)
    const trade = await pollUntilFinal(channel, outTradeNo, { intervalsMs: [20, 40, 80, 160, 320] })
    assert.equal(trade.state, 'paid')
    const { outTradeNo: unpaid } = await openPayment(channel, inbox)
    assert.equal((await pollUntilFinal(channel, unpaid, { intervalsMs: [5, 10] })).state, 'pending')
  })
})

test.group('UnionPay channel · refunds', (group) => {
  let sandbox: Sandbox
  let inbox: NotificationInbox
  let channel: PaymentChannel

  group.setup(async () => {
    sandbox = await startSandbox({ gateways: [unionPayGateway], timeScale: 0.001 })
    inbox = new NotificationInbox()
    await inbox.start()
    ;({ channel } = await merchant(sandbox))
    return async () => {
      await sandbox.close()
      await inbox.close()
    }
  })

  async function paidTrade(amount = 8800) {
    const { outTradeNo } = await openPayment(channel, inbox, amount)
    await settle(sandbox, channel, outTradeNo)
    return channel.query(outTradeNo)
  }

  const refundOf = (trade: { outTradeNo: string; channelTradeNo?: string }, amount: number) =>
    channel.refund({ outTradeNo: trade.outTradeNo, outRefundNo: newTradeNo(), amount, totalAmount: 8800, reason: '退票', notifyUrl: inbox.url, channelTradeNo: trade.channelTradeNo })

  test('partial then full refunds succeed; more than what is left is refused', async ({ assert }) => {
    const trade = await paidTrade()
    const partial = await refundOf(trade, 3000)
    assert.include(partial, { state: 'processing', amount: 3000, outTradeNo: trade.outTradeNo })
    assert.isString(partial.channelRefundNo)
    const [notification] = await inbox.about(partial.outRefundNo)
    const [event] = await channel.readNotification(notification)
    assert.deepInclude(event.type === 'refund' && event.refund, { outRefundNo: partial.outRefundNo, state: 'succeeded', amount: 3000, channelRefundNo: partial.channelRefundNo })
    assert.instanceOf(event.type === 'refund' && event.refund.completedAt, Date)
    assert.include(await channel.queryRefund(partial.outRefundNo, trade.outTradeNo), { state: 'succeeded', amount: 3000, outTradeNo: trade.outTradeNo })

    const over = await rejection(refundOf(trade, 5801))
    assert.instanceOf(over, ChannelError)
    assert.equal(over.code, '36')
    const rest = await refundOf(trade, 5800)
    await inbox.about(rest.outRefundNo)
    assert.equal((await channel.queryRefund(rest.outRefundNo, trade.outTradeNo)).state, 'succeeded')
    assert.equal((await channel.query(trade.outTradeNo)).state, 'paid', 'the consumption itself stays successful')
  })

  test('a refund that fails at UnionPay is notified and queried as failed', async ({ assert }) => {
    const trade = await paidTrade()
    await control(sandbox, '/sandbox/faults', { gateway: 'unionpay', faults: { refundOutcome: 'closed' } })
    const refund = await refundOf(trade, 8800)
    const [notification] = await inbox.about(refund.outRefundNo)
    const [event] = await channel.readNotification(notification)
    assert.deepInclude(event, { type: 'refund', refund: { outRefundNo: refund.outRefundNo, state: 'failed', amount: 8800, channelRefundNo: refund.channelRefundNo, completedAt: undefined } })
    assert.equal((await channel.queryRefund(refund.outRefundNo, trade.outTradeNo)).state, 'failed')
  })

  test('refunds need the payment’s queryId of a paid payment', async ({ assert }) => {
    const trade = await paidTrade()
    assert.equal((await rejection(refundOf({ outTradeNo: trade.outTradeNo }, 100))).code, 'invalid_request')
    const { outTradeNo } = await openPayment(channel, inbox)
    const unpaid = await channel.query(outTradeNo)
    assert.equal((await rejection(refundOf(unpaid, 100))).code, '35')
    assert.equal((await channel.queryRefund(newTradeNo(), trade.outTradeNo)).state, 'not_found')
  })
})
