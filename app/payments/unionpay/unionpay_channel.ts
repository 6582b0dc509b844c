/*
 * The UnionPay channel (银联全渠道 网关支付, ACP 5.1.0) over our AcpClient.
 *
 * - Pay: the browser auto-submits a signed form to frontTransReq.do (消费, txnType 01/01,
 *   bizType 000201). channelType 08 (mobile): most visitors buy tickets on a phone, and
 *   UnionPay's mobile cashier works in a desktop browser too. Goods descriptions go in orderDesc.
 * - orderId and txnTime: UnionPay knows an order by orderId + txnTime, and queryTrans needs both
 *   while the contract only passes outTradeNo / outRefundNo. So our UnionPay order numbers
 *   carry their txnTime: they START with the 14-digit Beijing time yyyyMMddHHmmss, then
 *   letters/digits, 8–40 alphanumerics in all as UnionPay requires. `newTradeNo()`
 *   (#payments/trade_numbers) makes them, for payments and refunds alike; anything else is refused.
 * - Close: UnionPay cannot close an unpaid consumption; it refuses payment after payTimeout
 *   (our expiresAt), and the sandbox closes it then. So close() only queries: 'pending' means
 *   payTimeout has not passed and the visitor may still pay; the caller must not take it as
 *   closed (call close after expiresAt). Real UnionPay may also answer 34 (查无此交易: the visitor
 *   never submitted a card), reported as 'not_found'.
 * - Query: respCode 00 → origRespCode says the order's state (00 paid; 03/04/05 still
 *   processing → pending, see pollUntilFinal; anything else failed → closed); respCode 34 → not_found.
 * - Refund (退货, txnType 04) needs the payment's queryId (RefundRequest.channelTradeNo). Its
 *   synchronous 00 only means accepted: the result comes by notification or queryRefund. A
 *   retried refund with the same outRefundNo is refused with 12 (重复交易): query it instead.
 * - Notifications: form-urlencoded, signed like answers, no timestamp; UnionPay retries for
 *   hours, so they are not rejected by age (replays are harmless: they only repeat a final state).
 *   Anything but HTTP 200 makes UnionPay retry.
 */
import { newTradeNo } from '#payments/trade_numbers'
import {
  ChannelError,
  NotificationRejected,
  type ChannelRefund,
  type ChannelTrade,
  type PaymentChannel,
  type RefundState,
  type TradeState,
} from '#payments/channel'
import type { UnionPayCredentials } from '#payments/credentials'
import { AcpClient, answerError, beijingTime, parseBeijingTime, type AcpFields } from '#payments/unionpay/acp_client'
import { downloadUnionPayBill } from '#payments/unionpay/bill'

const CONSUME = { txnType: '01', txnSubType: '01', bizType: '000201', channelType: '08' }
const REFUND = { txnType: '04', txnSubType: '00', bizType: '000201', channelType: '08' }
const QUERY = { txnType: '00', txnSubType: '00', bizType: '000000' }

/** 03 通讯超时, 04 状态未明, 05 已受理: not final yet. */
const PROCESSING = new Set(['03', '04', '05'])
const NO_SUCH_ORDER = '34'
const CNY = '156'

/** The txnTime an orderId of ours starts with. */
export function txnTimeOf(orderId: string): string {
  const txnTime = orderId.slice(0, 14)
  if (!/^[0-9A-Za-z]{8,40}$/.test(orderId) || !parseBeijingTime(txnTime)) {
    throw new ChannelError('A UnionPay orderId must be 8–40 letters or digits starting with its txnTime yyyyMMddHHmmss (see newTradeNo)', 'invalid_request')
  }
  return txnTime
}

const fen = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : undefined)

/** When it was paid: traceTime (MMddHHmmss, Beijing) in the year of txnTime (the next one across New Year). */
function paidAtOf(fields: AcpFields): Date | undefined {
  const ordered = fields.txnTime ? parseBeijingTime(fields.txnTime) : undefined
  if (!ordered || !/^\d{10}$/.test(fields.traceTime ?? '')) return ordered
  const year = Number(fields.txnTime.slice(0, 4))
  const traced = parseBeijingTime(`${year}${fields.traceTime}`)
  return traced && traced < ordered ? parseBeijingTime(`${year + 1}${fields.traceTime}`) : (traced ?? ordered)
}

function tradeState(resultCode: string | undefined): TradeState {
  if (resultCode === '00') return 'paid'
  return PROCESSING.has(resultCode ?? '') ? 'pending' : 'closed'
}

function refundState(resultCode: string | undefined): RefundState {
  if (resultCode === '00') return 'succeeded'
  return PROCESSING.has(resultCode ?? '') ? 'processing' : 'failed'
}

function tradeOf(fields: AcpFields, state: TradeState): ChannelTrade {
  return {
    outTradeNo: fields.orderId,
    state,
    amount: fen(fields.txnAmt),
    currency: fields.currencyCode === CNY ? 'CNY' : fields.currencyCode,
    merchantId: fields.merId,
    channelTradeNo: fields.queryId,
    paidAt: state === 'paid' ? paidAtOf(fields) : undefined,
  }
}

function refundOf(fields: AcpFields, state: RefundState): ChannelRefund {
  return {
    outRefundNo: fields.orderId,
    state,
    amount: fen(fields.txnAmt),
    channelRefundNo: fields.queryId,
    completedAt: state === 'succeeded' ? paidAtOf(fields) : undefined,
  }
}

function readForm(rawBody: string): AcpFields {
  const params = new URLSearchParams(rawBody)
  const keys = [...params.keys()]
  if (keys.length === 0 || new Set(keys).size !== keys.length) throw new NotificationRejected('Not a UnionPay notification', 'format')
  return Object.fromEntries(params)
}

export function createUnionPayChannel(credentials: UnionPayCredentials, options: { baseUrl: string; timeoutMs?: number }): PaymentChannel {
  const client = new AcpClient(credentials, options)

  /** queryTrans of one of our orderIds (a payment or a refund): undefined when UnionPay has none. */
  async function queryOrder(orderId: string): Promise<AcpFields | undefined> {
    const answer = await client.post('queryTrans.do', { ...QUERY, orderId, txnTime: txnTimeOf(orderId) })
    if (answer.respCode === NO_SUCH_ORDER) return undefined
    if (answer.respCode !== '00') throw answerError('queryTrans', answer)
    return answer
  }

  async function query(outTradeNo: string): Promise<ChannelTrade> {
    const answer = await queryOrder(outTradeNo)
    return answer ? tradeOf(answer, tradeState(answer.origRespCode)) : { outTradeNo, state: 'not_found' }
  }

  return {
    kind: 'unionpay',
    merchantId: client.merId,

    async createPayment(request) {
      if (request.method !== 'front') throw new ChannelError(`UnionPay has no payment method ${request.method}`, 'invalid_request')
      if (!request.returnUrl) throw new ChannelError('UnionPay front payments need a returnUrl (frontUrl)', 'invalid_request')
      const fields = client.sign({
        ...CONSUME,
        orderId: request.outTradeNo,
        txnTime: txnTimeOf(request.outTradeNo),
        txnAmt: String(request.amount),
        currencyCode: CNY,
        orderDesc: request.description.slice(0, 32),
        frontUrl: request.returnUrl,
        backUrl: request.notifyUrl,
        payTimeout: beijingTime(request.expiresAt),
      })
      return { kind: 'form', form: { action: client.url('frontTransReq.do'), fields } }
    },

    query,

    close: query,

    async refund(request) {
      if (!request.channelTradeNo) throw new ChannelError('A UnionPay refund needs the payment’s queryId (channelTradeNo)', 'invalid_request')
      const answer = await client.post('backTransReq.do', {
        ...REFUND,
        orderId: request.outRefundNo,
        txnTime: txnTimeOf(request.outRefundNo),
        txnAmt: String(request.amount),
        currencyCode: CNY,
        origQryId: request.channelTradeNo,
        backUrl: request.notifyUrl,
      })
      if (answer.respCode !== '00' && !PROCESSING.has(answer.respCode)) throw answerError('backTransReq', answer)
      return { outTradeNo: request.outTradeNo, outRefundNo: request.outRefundNo, state: 'processing', amount: request.amount, channelRefundNo: answer.queryId }
    },

    async queryRefund(outRefundNo, outTradeNo) {
      const answer = await queryOrder(outRefundNo)
      if (!answer) return { outTradeNo, outRefundNo, state: 'not_found' }
      return { ...refundOf(answer, refundState(answer.origRespCode)), outTradeNo }
    },

    async readNotification({ rawBody }) {
      const fields = readForm(rawBody)
      if (!fields.txnType || !fields.orderId || !fields.respCode) throw new NotificationRejected('A UnionPay notification without txnType, orderId or respCode', 'format')
      try {
        client.verify(fields)
      } catch (error: any) {
        throw new NotificationRejected(error.message, 'signature')
      }
      if (fields.merId !== client.merId) throw new NotificationRejected(`A notification for merchant ${fields.merId}`, 'merchant')
      if (fields.txnType === REFUND.txnType) return [{ type: 'refund', refund: refundOf(fields, fields.respCode === '00' ? 'succeeded' : 'failed') }]
      if (fields.txnType !== CONSUME.txnType) throw new NotificationRejected(`UnionPay txnType ${fields.txnType} is not ours`, 'format')
      // A failed attempt changes nothing: the visitor may try another card until payTimeout.
      return fields.respCode === '00' ? [{ type: 'payment', trade: tradeOf(fields, 'paid') }] : []
    },

    acknowledge(accepted) {
      return accepted ? { status: 200, contentType: 'text/plain', body: 'ok' } : { status: 500, contentType: 'text/plain', body: 'fail' }
    },

    downloadBill: (date) => downloadUnionPayBill(client, options.baseUrl, date),

    /** A verified 34 (or 00) for a random orderId proves the key, the certificate and the chain. */
    async testConnection() {
      await queryOrder(newTradeNo())
    },
  }
}

/**
 * Queries until the trade is final (not 'pending') or the intervals run out, waiting each interval
 * in turn before the next query (UnionPay: after 03/04/05, query again at growing intervals).
 * Returns the last answer.
 */
export async function pollUntilFinal(channel: PaymentChannel, outTradeNo: string, options: { intervalsMs: number[] }): Promise<ChannelTrade> {
  let trade = await channel.query(outTradeNo)
  for (const interval of options.intervalsMs) {
    if (trade.state !== 'pending') break
    await new Promise((resolve) => setTimeout(resolve, interval))
    trade = await channel.query(outTradeNo)
  }
  return trade
}
