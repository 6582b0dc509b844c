/*
 * WeChat Pay v3's signatures and encryption, done the gateway's way round (with node:crypto, on
 * purpose apart from the client's plugin): checking a merchant's Authorization
 * (WECHATPAY2-SHA256-RSA2048), signing answers and notifications (Wechatpay-* headers) and
 * encrypting resources with the merchant's APIv3 key (AEAD_AES_256_GCM).
 */
import { createCipheriv, createSign, createVerify, randomBytes } from 'node:crypto'
import { ALPHANUMERIC, randomText } from '#core/random_text'
import type { NotificationFaults } from '#sandbox/notifier'
import type { SandboxRequest } from '#sandbox/sandbox_server'
import type { SandboxMerchant, Signer } from '#sandbox/gateways/wechat_pay/keys'

const MAX_CLOCK_SKEW_S = 300
const SIGNTEST = 'WECHATPAY/SIGNTEST/'

/** Every part followed by a line feed: the shape of all v3 signed messages. */
const lines = (...parts: string[]) => parts.map((part) => `${part}\n`).join('')

const now = () => Math.floor(Date.now() / 1000)

export const nonce = (length: number) => randomText(length, ALPHANUMERIC)

/** The merchant a request is signed by, or why it is refused (WeChat answers 401 SIGN_ERROR to all of these). */
export function authenticate(request: SandboxRequest, merchants: Record<string, SandboxMerchant>): SandboxMerchant | string {
  const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(request.headers.authorization ?? '')
  if (!match) return 'Authorization header missing or not WECHATPAY2-SHA256-RSA2048'
  const auth = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]))
  const merchant = merchants[auth.mchid]
  if (!merchant) return `mchid ${auth.mchid} is not a merchant here`
  if (auth.serial_no?.toUpperCase() !== merchant.serialNo) return `serial_no ${auth.serial_no} is not this merchant's API certificate`
  if (!/^\d+$/.test(auth.timestamp ?? '') || Math.abs(now() - Number(auth.timestamp)) > MAX_CLOCK_SKEW_S) return 'timestamp missing or more than 5 minutes off'
  // The URL as the merchant's client put it on the request line: path (with any base path) and query.
  const url = `${request.path}${request.query.size ? `?${request.query}` : ''}`
  const message = lines(request.method, url, auth.timestamp, auth.nonce_str ?? '', request.rawBody)
  const valid = createVerify('RSA-SHA256').update(message).verify(merchant.certificate, auth.signature ?? '', 'base64')
  return valid ? merchant : 'signature does not verify'
}

export function signatureHeaders(signer: Signer, body: string, timestamp = now()): Record<string, string> {
  const messageNonce = nonce(32)
  return {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': messageNonce,
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature': createSign('RSA-SHA256').update(lines(String(timestamp), messageNonce, body)).sign(signer.privateKey, 'base64'),
  }
}

export function encryptResource(plaintext: string, apiV3Key: string, associatedData: string) {
  const iv = nonce(12)
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(iv)).setAAD(Buffer.from(associatedData))
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64')
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: associatedData, nonce: iv }
}

export interface NotificationContent {
  id: string
  createTime: string
  eventType: string
  summary: string
  /** transaction | refund: also the associated_data of the encryption. */
  originalType: string
  resource: object
}

/** One delivery of a notification, with the tampering the faults ask for. */
export function notificationMessage(content: NotificationContent, merchant: SandboxMerchant, signer: Signer, faults: NotificationFaults) {
  const resource = encryptResource(JSON.stringify(content.resource), merchant.apiV3Key, content.originalType)
  if (faults.badTag) resource.ciphertext = flipLastByte(resource.ciphertext)
  const envelope = {
    id: content.id,
    create_time: content.createTime,
    resource_type: 'encrypt-resource',
    event_type: content.eventType,
    summary: content.summary,
    resource: { original_type: content.originalType, ...resource },
  }
  const body = JSON.stringify(envelope)
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...signatureHeaders(signer, body, faults.staleTimestamp ? now() - 600 : now()) }
  if (faults.signtest) {
    headers['Wechatpay-Serial'] = `${SIGNTEST}${randomBytes(8).toString('hex').toUpperCase()}`
    headers['Wechatpay-Signature'] = `${SIGNTEST}${randomBytes(96).toString('base64')}`
  }
  return { headers, body: faults.badSignature ? JSON.stringify({ ...envelope, summary: `${content.summary}（已篡改）` }) : body }
}

/** The GCM tag is the ciphertext's last 16 bytes. */
function flipLastByte(base64: string) {
  const bytes = Buffer.from(base64, 'base64')
  bytes[bytes.length - 1] ^= 0xff
  return bytes.toString('base64')
}
