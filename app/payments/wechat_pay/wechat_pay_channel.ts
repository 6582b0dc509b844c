/*
 * WeChat Pay API v3 (微信支付) for one merchant (商户号): thin typed wrappers over
 * wechatpay-axios-plugin's call chain, which signs every request with the merchant API key and
 * verifies every answer's signature with the keys in VerifierKeys. Notifications are verified
 * here over their raw body, then decrypted with the APIv3 key.
 */
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto'
import { Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin'
import {
  ChannelError,
  NotificationRejected,
  type ChannelEvent,
  type ChannelRefund,
  type ChannelTrade,
  type IncomingNotification,
  type NotificationAck,
  type PaymentChannel,
  type PaymentRequest,
  type PaymentStart,
  type RefundRequest,
} from '#payments/channel'
import type { WechatPayCredentials } from '#payments/credentials'
import { beijingTime } from '#payments/wechat_pay/beijing_time'
import { downloadWechatBill } from '#payments/wechat_pay/bill'
import { toChannelRefund, toChannelTrade, type WechatError, type WechatRefund, type WechatTransaction } from '#payments/wechat_pay/resources'
import {
  decryptResource,
  isFresh,
  PUBLIC_KEY_ID_PREFIX,
  signatureVerifies,
  signedMessage,
  VerifierKeys,
  type EncryptedResource,
} from '#payments/wechat_pay/verifier_keys'

/** WeChat's rules for out_trade_no and out_refund_no. */
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*@]{6,32}$/
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/
/** Signature probes (签名探测) WeChat sends to check that merchants really verify. */
const SIGNTEST = 'WECHATPAY/SIGNTEST/'
const TIMEOUT_MS = 10_000

interface PrepayAnswer {
  prepay_id?: string
  code_url?: string
  h5_url?: string
}

interface Notification {
  event_type?: string
  resource?: EncryptedResource & { original_type?: string }
}

/** A plugin answer (its axios response). */
interface Answer<T> {
  status: number
  data: T
  headers: Record<string, unknown>
}

export function createWechatPayChannel(credentials: WechatPayCredentials, options: { baseUrl: string }): PaymentChannel {
  return new WechatPayChannel(credentials, options.baseUrl)
}

class WechatPayChannel implements PaymentChannel {
  readonly kind = 'wechat_pay' as const
  readonly merchantId: string
  readonly #credentials: WechatPayCredentials
  readonly #baseUrl: string
  readonly #privateKey: KeyObject
  readonly #keys: VerifierKeys
  #client?: { version: number; root: Wechatpay }

  constructor(credentials: WechatPayCredentials, baseUrl: string) {
    this.#credentials = credentials
    this.merchantId = credentials.mchid
    this.#baseUrl = baseUrl
    const keys = readKeys(credentials)
    this.#privateKey = keys.privateKey
    this.#keys = new VerifierKeys(credentials.apiV3Key, keys.publicKey, () => this.#downloadCertificates())
  }

  async createPayment(request: PaymentRequest): Promise<PaymentStart> {
    checkOutTradeNo(request.outTradeNo)
    const order = {
      appid: this.#credentials.appid,
      mchid: this.merchantId,
      description: request.description,
      out_trade_no: request.outTradeNo,
      time_expire: beijingTime(request.expiresAt),
      notify_url: request.notifyUrl,
      amount: { total: request.amount, currency: 'CNY' },
    }
    const place = (method: string, extra: object) =>
      this.#call<PrepayAnswer>((root) => root.v3.pay.transactions[method].post({ ...order, ...extra })).then(({ data }) => data)

    switch (request.method) {
      case 'jsapi': {
        const openid = request.payer?.openid
        if (!openid) throw new ChannelError('WeChat Pay JSAPI needs the payer’s openid', 'PARAM_ERROR')
        const { prepay_id } = await place('jsapi', { payer: { openid } })
        return { kind: 'jsapi', jsapi: this.#jsapiParameters(answered(prepay_id, 'prepay_id')) }
      }
      case 'native': {
        const { code_url } = await place('native', {})
        return { kind: 'qr', url: answered(code_url, 'code_url') }
      }
      case 'h5': {
        const ip = request.payer?.clientIp
        if (!ip) throw new ChannelError('WeChat Pay H5 needs the payer’s IP address', 'PARAM_ERROR')
        const url = answered((await place('h5', { scene_info: { payer_client_ip: ip, h5_info: { type: 'Wap' } } })).h5_url, 'h5_url')
        // WeChat sends the browser back to redirect_url, appended (url-encoded) to h5_url by the merchant.
        if (!request.returnUrl) return { kind: 'redirect', url }
        return { kind: 'redirect', url: `${url}${url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(request.returnUrl)}` }
      }
      default:
        throw new ChannelError(`WeChat Pay has no payment method “${request.method}”`, 'PARAM_ERROR')
    }
  }

  async query(outTradeNo: string): Promise<ChannelTrade> {
    checkOutTradeNo(outTradeNo)
    const { status, data } = await this.#call<WechatTransaction | WechatError>((root) =>
      root.v3.pay.transactions.outTradeNo.$out_trade_no$.get({
        params: { mchid: this.merchantId },
        out_trade_no: encodeURIComponent(outTradeNo),
        validateStatus: successOrNotFound,
      })
    )
    if (status === 404) return notFound(data as WechatError, 'ORDER_NOT_EXIST', { outTradeNo, state: 'not_found' })
    return readable(toChannelTrade(data as WechatTransaction), 'trade')
  }

  async close(outTradeNo: string): Promise<ChannelTrade> {
    checkOutTradeNo(outTradeNo)
    try {
      await this.#call((root) =>
        root.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post({ mchid: this.merchantId }, { out_trade_no: encodeURIComponent(outTradeNo) })
      )
    } catch (error) {
      // Paid meanwhile (ORDERPAID) or never placed: the query below says which.
      if (!(error instanceof ChannelError && (error.code === 'ORDERPAID' || error.code === 'ORDER_NOT_EXIST'))) throw error
    }
    return this.query(outTradeNo)
  }

  async refund(request: RefundRequest): Promise<ChannelRefund> {
    checkOutTradeNo(request.outTradeNo)
    checkOutRefundNo(request.outRefundNo)
    const { data } = await this.#call<WechatRefund>((root) =>
      root.v3.refund.domestic.refunds.post({
        out_trade_no: request.outTradeNo,
        out_refund_no: request.outRefundNo,
        reason: request.reason || undefined,
        notify_url: request.notifyUrl,
        amount: { refund: request.amount, total: request.totalAmount, currency: 'CNY' },
      })
    )
    return readable(toChannelRefund(data), 'refund')
  }

  async queryRefund(outRefundNo: string, outTradeNo: string): Promise<ChannelRefund> {
    checkOutRefundNo(outRefundNo)
    const { status, data } = await this.#call<WechatRefund | WechatError>((root) =>
      root.v3.refund.domestic.refunds.$out_refund_no$.get({ out_refund_no: encodeURIComponent(outRefundNo), validateStatus: successOrNotFound })
    )
    if (status === 404) return notFound(data as WechatError, 'RESOURCE_NOT_EXISTS', { outTradeNo, outRefundNo, state: 'not_found' })
    return readable(toChannelRefund(data as WechatRefund), 'refund')
  }

  async readNotification(incoming: IncomingNotification): Promise<ChannelEvent[]> {
    const message = signedMessage(incoming.headers, incoming.rawBody)
    if (!message) throw new NotificationRejected('WeChat Pay notification without its Wechatpay-* signature headers', 'format')
    if (message.serial.startsWith(SIGNTEST) || message.signature.startsWith(SIGNTEST)) {
      throw new NotificationRejected('WeChat Pay signature probe (WECHATPAY/SIGNTEST)', 'probe')
    }
    if (!isFresh(message)) throw new NotificationRejected('WeChat Pay notification timestamp is more than 5 minutes off', 'timestamp')
    const key = await this.#keys.keyFor(message.serial)
    if (!key || !signatureVerifies(message, key)) throw new NotificationRejected(`WeChat Pay notification signature does not verify (serial ${message.serial})`, 'signature')

    const notification = parseJson<Notification>(incoming.rawBody)
    if (!notification?.resource || typeof notification.event_type !== 'string') throw new NotificationRejected('WeChat Pay notification is malformed', 'format')
    const plaintext = decryptResource(notification.resource, this.#credentials.apiV3Key)
    if (plaintext === undefined) throw new NotificationRejected('WeChat Pay notification resource does not decrypt with our APIv3 key', 'decrypt')
    const resource = parseJson<WechatTransaction & WechatRefund>(plaintext)
    if (!resource) throw new NotificationRejected('WeChat Pay notification resource is not JSON', 'format')
    if (resource.mchid !== this.merchantId || (resource.appid !== undefined && resource.appid !== this.#credentials.appid)) {
      throw new NotificationRejected(`WeChat Pay notification is for merchant ${resource.mchid}, not ${this.merchantId}`, 'merchant')
    }

    const wellFormed = <T>(value: T | undefined): T => {
      if (!value) throw new NotificationRejected(`WeChat Pay ${notification.event_type} resource is malformed`, 'format')
      return value
    }
    switch (notification.event_type.split('.')[0]) {
      case 'TRANSACTION':
        return [{ type: 'payment', trade: wellFormed(toChannelTrade(resource)) }]
      case 'REFUND':
        return [{ type: 'refund', refund: wellFormed(toChannelRefund(resource)) }]
      default:
        return []
    }
  }

  acknowledge(accepted: boolean, message = 'not accepted'): NotificationAck {
    // Anything but 200/204 makes WeChat retry on its schedule.
    if (accepted) return { status: 204, contentType: 'application/json; charset=utf-8', body: '' }
    return { status: 500, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ code: 'FAIL', message }) }
  }

  downloadBill(date: string) {
    return downloadWechatBill((send) => this.#call(send), this.merchantId, date)
  }

  async testConnection(): Promise<void> {
    // Proves both ways: WeChat accepts our signature, and its (signed) ORDER_NOT_EXIST verifies here.
    const probe = await this.query(`TESTCONN${randomBytes(8).toString('hex')}`)
    if (probe.state !== 'not_found') throw new ChannelError('WeChat Pay knows an order it should not', 'UNEXPECTED')
  }

  /** The parameters for WeixinJSBridge getBrandWCPayRequest, signed with the merchant key. */
  #jsapiParameters(prepayId: string) {
    const appId = this.#credentials.appid
    const timeStamp = String(Formatter.timestamp())
    const nonceStr = Formatter.nonce()
    const pkg = `prepay_id=${prepayId}`
    const paySign = Rsa.sign(Formatter.joinedByLineFeed(appId, timeStamp, nonceStr, pkg), this.#privateKey)
    return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA' as const, paySign }
  }

  /**
   * One signed call. An answer signed by a certificate not seen yet refreshes the certificates
   * (rotation) and the call is made once more: v3 writes are idempotent by out_trade_no / out_refund_no.
   */
  async #call<T>(send: (root: Wechatpay) => Promise<Answer<T>>): Promise<Answer<T>> {
    await this.#keys.freshen()
    for (let attempt = 1; ; attempt++) {
      try {
        return await send(this.#root())
      } catch (error: any) {
        const serial = error?.code === 'EV3_RES_HEADER_PLATFORM_SERIAL' ? String(error.response?.headers?.['wechatpay-serial'] ?? '') : ''
        if (attempt === 1 && serial && (await this.#keys.keyFor(serial))) continue
        throw toChannelError(error)
      }
    }
  }

  /** The plugin instance, rebuilt when the verifier keys change (it takes them at construction). */
  #root(): Wechatpay {
    if (this.#client?.version !== this.#keys.version) {
      const certs = this.#keys.all()
      this.#client = {
        version: this.#keys.version,
        root: new Wechatpay({
          baseURL: this.#baseUrl,
          mchid: this.merchantId,
          serial: this.#credentials.serialNo,
          privateKey: this.#credentials.privateKey,
          // The plugin will not start without a verifier key. Before the first certificate download
          // there is none; that download verifies its own answer, so a name no serial can match stands in.
          certs: Object.keys(certs).length ? certs : ({ 'none yet': undefined } as unknown as Record<string, KeyObject>),
          timeout: TIMEOUT_MS,
        }),
      }
    }
    return this.#client.root
  }

  /** GET /v3/certificates, raw: VerifierKeys decrypts the list and checks its signature itself. */
  async #downloadCertificates() {
    try {
      const { data, headers } = await this.#root().v3.certificates.get({ transformResponse: [(raw: string) => raw] })
      return { headers: { ...headers }, body: String(data) }
    } catch (error) {
      throw toChannelError(error)
    }
  }
}

/** The credentials' keys, checked up front: a misconfigured merchant fails with a clear message rather than on its first payment. */
function readKeys(credentials: WechatPayCredentials): { privateKey: KeyObject; publicKey?: { id: string; key: KeyObject } } {
  const invalid = (what: string) => new ChannelError(`WeChat Pay credentials: ${what}`, 'INVALID_CREDENTIALS')
  if (!/^\d{8,12}$/.test(credentials.mchid ?? '')) throw invalid('mchid must be the numeric 商户号')
  if (!credentials.appid) throw invalid('appid is required')
  if (!/^[0-9A-Fa-f]{8,64}$/.test(credentials.serialNo ?? '')) throw invalid('serialNo must be the merchant certificate serial (hex)')
  if (Buffer.byteLength(credentials.apiV3Key ?? '') !== 32) throw invalid('apiV3Key must be 32 bytes')
  if (!credentials.publicKeyId !== !credentials.publicKey) throw invalid('publicKeyId and publicKey go together')
  if (credentials.publicKeyId && !credentials.publicKeyId.startsWith(PUBLIC_KEY_ID_PREFIX)) throw invalid(`publicKeyId must start with ${PUBLIC_KEY_ID_PREFIX}`)
  const parse = <K>(read: () => K, what: string): K => {
    try {
      return read()
    } catch {
      throw invalid(`${what} is not a PEM key`)
    }
  }
  return {
    privateKey: parse(() => createPrivateKey(credentials.privateKey), 'privateKey'),
    publicKey: credentials.publicKeyId ? { id: credentials.publicKeyId, key: parse(() => createPublicKey(credentials.publicKey!), 'publicKey') } : undefined,
  }
}

function checkOutTradeNo(value: string) {
  if (!OUT_TRADE_NO.test(value ?? '')) throw new ChannelError('outTradeNo must be 6–32 of 0-9 A-Z a-z _ - | * @', 'PARAM_ERROR')
}

function checkOutRefundNo(value: string) {
  if (!OUT_REFUND_NO.test(value ?? '')) throw new ChannelError('outRefundNo must be 1–64 of 0-9 A-Z a-z _ - | * @', 'PARAM_ERROR')
}

const successOrNotFound = (status: number) => (status >= 200 && status < 300) || status === 404

function notFound<T>(error: WechatError, code: string, result: T): T {
  if (error?.code === code) return result
  throw new ChannelError(`WeChat Pay: ${error?.code} ${error?.message}`, error?.code ?? 'NOT_FOUND')
}

function answered(value: string | undefined, field: string): string {
  if (!value) throw new ChannelError(`WeChat Pay answered without ${field}`, 'FORMAT')
  return value
}

function readable<T>(value: T | undefined, what: string): T {
  if (!value) throw new ChannelError(`WeChat Pay answered with an unreadable ${what}`, 'FORMAT')
  return value
}

function parseJson<T>(text: string): T | undefined {
  try {
    const value = JSON.parse(text)
    return value && typeof value === 'object' ? value : undefined
  } catch {
    return undefined
  }
}

/** The plugin's (axios) failures as ChannelErrors; secrets (keys, the Authorization header) stay out of them. */
function toChannelError(error: any): ChannelError {
  if (error instanceof ChannelError) return error
  if (typeof error?.code === 'string' && error.code.startsWith('EV3_RES_')) {
    return new ChannelError(`WeChat Pay answer failed verification (${error.code})`, 'RESPONSE_SIGNATURE')
  }
  const status: number | undefined = error?.response?.status
  if (status) {
    const body = typeof error.response.data === 'string' ? parseJson<WechatError>(error.response.data) : error.response.data
    const code = body?.code ?? `HTTP_${status}`
    return new ChannelError(`WeChat Pay: ${code} ${body?.message ?? ''}`.trim(), code, status >= 500 || status === 429)
  }
  return new ChannelError(`WeChat Pay unreachable: ${error?.code ?? error?.message ?? error}`, 'NETWORK', true)
}
