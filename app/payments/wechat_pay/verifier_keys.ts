/*
 * The keys that verify what WeChat Pay signs for one merchant (answers and notifications): the
 * WeChat Pay public key (微信支付公钥, id PUB_KEY_ID_...) and/or the platform certificates
 * (平台证书) downloaded from /v3/certificates. A merchant switching over has both; the
 * Wechatpay-Serial header names the key that signed. Kept per channel instance, never shared.
 */
import { X509Certificate, type KeyObject } from 'node:crypto'
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin'
import { ChannelError } from '#payments/channel'

export const PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_'
/** WeChat's tolerance for Wechatpay-Timestamp, either way. */
const MAX_CLOCK_SKEW_S = 300
const CERTIFICATES_MAX_AGE_MS = 12 * 3600_000
/** Downloads caused by unknown serials (which anyone can send) or failing, at most this often. */
const REFRESH_INTERVAL_MS = 60_000

/** The Wechatpay-* headers and the exact body they sign: `${timestamp}\n${nonce}\n${body}\n`. */
export interface SignedMessage {
  serial: string
  signature: string
  timestamp: string
  nonce: string
  body: string
}

/** Reads the signature headers (lower-case names); undefined when one is missing. */
export function signedMessage(headers: Record<string, unknown>, body: string): SignedMessage | undefined {
  const [serial, signature, timestamp, nonce] = ['serial', 'signature', 'timestamp', 'nonce'].map((name) => headers[`wechatpay-${name}`])
  if (![serial, signature, timestamp, nonce].every((value) => typeof value === 'string' && value)) return undefined
  return { serial, signature, timestamp, nonce, body } as SignedMessage
}

export function isFresh(message: SignedMessage): boolean {
  return /^\d+$/.test(message.timestamp) && Math.abs(Date.now() / 1000 - Number(message.timestamp)) <= MAX_CLOCK_SKEW_S
}

export function signatureVerifies(message: SignedMessage, key: KeyObject): boolean {
  try {
    return Rsa.verify(Formatter.response(message.timestamp, message.nonce, message.body), message.signature, key)
  } catch {
    return false
  }
}

/** AEAD_AES_256_GCM with the APIv3 key, as notifications and certificates are encrypted; the tag is checked. */
export interface EncryptedResource {
  algorithm: string
  ciphertext: string
  nonce: string
  associated_data?: string
}

/** The plaintext, or undefined when it does not decrypt (bad tag, wrong key or associated data). */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string | undefined {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') return undefined
  try {
    return Aes.AesGcm.decrypt(resource.ciphertext, apiV3Key, resource.nonce, resource.associated_data ?? '')
  } catch {
    return undefined
  }
}

/** The /v3/certificates answer, as it came. */
export interface RawAnswer {
  headers: Record<string, unknown>
  body: string
}

interface CertificateList {
  data: { serial_no: string; encrypt_certificate: EncryptedResource }[]
}

export class VerifierKeys {
  readonly #apiV3Key: string
  readonly #publicKey?: { id: string; key: KeyObject }
  readonly #download: () => Promise<RawAnswer>
  #certificates = new Map<string, KeyObject>()
  #fetchedAt = 0
  #attemptedAt = 0
  #unknownSerialAt = 0
  #refreshing?: Promise<void>
  /** Changes whenever the keys do (the channel rebuilds its client then). */
  version = 0

  constructor(apiV3Key: string, publicKey: { id: string; key: KeyObject } | undefined, download: () => Promise<RawAnswer>) {
    this.#apiV3Key = apiV3Key
    this.#publicKey = publicKey
    this.#download = download
  }

  /** Every key by its serial / public key id. */
  all(): Record<string, KeyObject> {
    const keys = Object.fromEntries(this.#certificates)
    if (this.#publicKey) keys[this.#publicKey.id] = this.#publicKey.key
    return keys
  }

  /**
   * Downloads the platform certificates when they are in use and older than 12 h (or never
   * fetched). A failed refresh keeps the old ones, and is tried again a minute later.
   */
  async freshen(): Promise<void> {
    const usesCertificates = !this.#publicKey || this.#certificates.size > 0
    const now = Date.now()
    if (!usesCertificates || now - this.#fetchedAt < CERTIFICATES_MAX_AGE_MS) return
    if (this.#certificates.size > 0 && now - this.#attemptedAt < REFRESH_INTERVAL_MS) return
    try {
      await this.#refresh()
    } catch (error) {
      if (this.#certificates.size === 0) throw error
    }
  }

  /** The key a Wechatpay-Serial names. An unknown certificate serial refreshes the certificates first (at most once a minute). */
  async keyFor(serial: string): Promise<KeyObject | undefined> {
    await this.freshen()
    const known = this.#lookup(serial)
    if (known || serial.startsWith(PUBLIC_KEY_ID_PREFIX) || Date.now() - this.#unknownSerialAt < REFRESH_INTERVAL_MS) return known
    this.#unknownSerialAt = Date.now()
    await this.#refresh()
    return this.#lookup(serial)
  }

  #lookup(serial: string): KeyObject | undefined {
    return serial === this.#publicKey?.id ? this.#publicKey.key : this.#certificates.get(serial)
  }

  #refresh(): Promise<void> {
    this.#refreshing ??= this.#fetch().finally(() => (this.#refreshing = undefined))
    return this.#refreshing
  }

  async #fetch() {
    this.#attemptedAt = Date.now()
    const answer = await this.#download()
    const certificates = new Map<string, KeyObject>()
    for (const item of parseList(answer.body)) {
      const pem = decryptResource(item.encrypt_certificate, this.#apiV3Key)
      if (!pem) throw unverified('a platform certificate does not decrypt with the APIv3 key')
      const certificate = new X509Certificate(pem)
      if (certificate.serialNumber.toUpperCase() !== item.serial_no.toUpperCase()) throw unverified(`certificate ${item.serial_no} carries another serial`)
      if (Date.parse(certificate.validTo) > Date.now()) certificates.set(item.serial_no, certificate.publicKey)
    }
    // The list is signed with one of the certificates it carries (or the public key): trust none before that checks out.
    const message = signedMessage(answer.headers, answer.body)
    const key = message && (certificates.get(message.serial) ?? this.#lookup(message.serial))
    if (!message || !key || !isFresh(message) || !signatureVerifies(message, key)) throw unverified('the platform certificate list is not signed by a key it carries')
    this.#certificates = certificates
    this.#fetchedAt = Date.now()
    this.version++
  }
}

function parseList(body: string): CertificateList['data'] {
  try {
    const list = JSON.parse(body) as CertificateList
    if (Array.isArray(list.data) && list.data.every((item) => typeof item?.serial_no === 'string' && item.encrypt_certificate)) return list.data
  } catch {}
  throw unverified('the platform certificate list is malformed')
}

const unverified = (why: string) => new ChannelError(`WeChat Pay: ${why}`, 'RESPONSE_SIGNATURE')
