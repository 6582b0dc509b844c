/*
 * Our own small client for UnionPay's online gateway (银联全渠道, ACP 5.1.0, signMethod 01): there
 * is no maintained npm SDK. It signs requests, posts them, parses and verifies the answers, and
 * verifies notifications. The sandbox gateway uses the same signing primitives.
 *
 * Signing (5.1.0, RSA): every non-empty field except `signature`, sorted by key, joined as
 * `k=v&k=v` with raw values; the lower-case hex SHA-256 of that string is signed with
 * SHA256withRSA; base64 → `signature`. `certId` is the merchant signing certificate's serial
 * number in decimal.
 *
 * Verification: each answer and notification carries UnionPay's signing certificate
 * (`signPubKeyCert`, PEM). We trust it only if it was issued by the configured middle
 * certificate, which was issued by the configured root, all three valid now; if the third
 * `@`-field of its CN names 中国银联股份有限公司 (the official SDKs' rule; CFCA CNs read
 * `041@<id>@<name>@<seq>`); and if its key usage allows signing (UnionPay's 敏感信息加密
 * certificate, from the same chain, does not). Then `signature` must verify with its key.
 */
import 'reflect-metadata' // @peculiar/x509 (tsyringe) needs it loaded first
import { createHash, createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto'
import { KeyUsageFlags, KeyUsagesExtension, X509Certificate as ParsedCertificate } from '@peculiar/x509'
import { ChannelError } from '#payments/channel'
import type { UnionPayCredentials } from '#payments/credentials'

export type AcpFields = Record<string, string>

export const ACP_VERSION = '5.1.0'
export const UNIONPAY_COMPANY = '中国银联股份有限公司'

/** The gateway's APIs, under `${baseUrl}/gateway/api/`. */
export type AcpApi = 'frontTransReq.do' | 'backTransReq.do' | 'queryTrans.do'

const BEIJING_OFFSET_MS = 8 * 3600_000

/** yyyyMMddHHmmss in Beijing time (UTC+8, no daylight saving), as txnTime and payTimeout are written. */
export function beijingTime(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 14)
}

/** The instant a yyyyMMddHHmmss Beijing time names; undefined unless it is a real date and time. */
export function parseBeijingTime(text: string): Date | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text)
  if (!parts) return undefined
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number)
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second) - BEIJING_OFFSET_MS)
  return beijingTime(date) === text ? date : undefined
}

/** What is signed: non-empty fields but `signature`, sorted by key, `k=v` joined by `&`, values raw. */
export function signingString(fields: AcpFields): string {
  return Object.keys(fields)
    .filter((key) => key !== 'signature' && fields[key] !== '' && fields[key] !== undefined)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&')
}

function digestHex(fields: AcpFields): Buffer {
  return Buffer.from(createHash('sha256').update(signingString(fields), 'utf8').digest('hex'), 'utf8')
}

/** The `signature` of these fields (5.1.0: SHA256withRSA over the hex SHA-256 of the signing string). */
export function signFields(fields: AcpFields, privateKey: KeyObject | string): string {
  return sign('sha256', digestHex(fields), privateKey).toString('base64')
}

export function signatureMatches(fields: AcpFields, publicKey: KeyObject): boolean {
  try {
    return verify('sha256', digestHex(fields), publicKey, Buffer.from(fields.signature ?? '', 'base64'))
  } catch {
    return false
  }
}

/** certId: the certificate's serial number in decimal (X509Certificate gives it in hex). */
export function certIdOf(certificatePem: string): string {
  return BigInt(`0x${new X509Certificate(certificatePem).serialNumber}`).toString(10)
}

/**
 * Reads a gateway answer: `k=v&k=v` with raw values, where a value in `{...}` or `[...]`
 * (reserved, respMsg 成功[0000000], ...) may itself contain `&` and `=`, as the official SDKs parse it.
 */
export function parseAcpResponse(text: string): AcpFields {
  const fields: AcpFields = {}
  let key = ''
  let value = ''
  let inKey = true
  let depth = 0
  const flush = () => {
    if (inKey ? value : key) fields[inKey ? value : key] = inKey ? '' : value
    key = ''
    value = ''
    inKey = true
  }
  for (const char of text.trim()) {
    if (depth === 0 && char === '&') {
      flush()
    } else if (depth === 0 && inKey && char === '=') {
      key = value
      value = ''
      inKey = false
    } else {
      if (!inKey && (char === '{' || char === '[')) depth++
      else if (!inKey && depth > 0 && (char === '}' || char === ']')) depth--
      value += char
    }
  }
  flush()
  return fields
}

export class AcpVerificationError extends Error {}

const commonName = (certificate: X509Certificate) =>
  (certificate.subject ?? '')
    .split('\n')
    .find((line) => line.startsWith('CN='))
    ?.slice(3) ?? ''

function validAt(certificate: X509Certificate, now: Date) {
  return certificate.validFromDate <= now && now <= certificate.validToDate
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate) {
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey)
}

function mayDigitallySign(certificatePem: string) {
  const usage = new ParsedCertificate(certificatePem).getExtension(KeyUsagesExtension)
  // No key usage extension: not restricted (RFC 5280).
  return !usage || (usage.usages & KeyUsageFlags.digitalSignature) !== 0
}

/** Verifies messages signed by UnionPay against the configured root and middle certificates. */
export class AcpVerifier {
  readonly #root: X509Certificate
  readonly #middle: X509Certificate

  constructor(trust: Pick<UnionPayCredentials, 'rootCertificate' | 'middleCertificate'>) {
    this.#root = new X509Certificate(trust.rootCertificate)
    this.#middle = new X509Certificate(trust.middleCertificate)
  }

  /** Throws AcpVerificationError unless UnionPay signed these fields. */
  verify(fields: AcpFields, now = new Date()): void {
    if (fields.version !== ACP_VERSION || fields.signMethod !== '01') throw new AcpVerificationError(`Unsupported version ${fields.version} / signMethod ${fields.signMethod}`)
    if (!fields.signature || !fields.signPubKeyCert) throw new AcpVerificationError('Unsigned message')
    const certificate = this.#trusted(fields.signPubKeyCert, now)
    if (!signatureMatches(fields, certificate.publicKey)) throw new AcpVerificationError('The signature does not match')
  }

  #trusted(pem: string, now: Date): X509Certificate {
    let certificate: X509Certificate
    try {
      certificate = new X509Certificate(pem)
    } catch {
      throw new AcpVerificationError('signPubKeyCert is not a certificate')
    }
    if (!this.#middle.ca || !issuedBy(certificate, this.#middle) || !issuedBy(this.#middle, this.#root)) {
      throw new AcpVerificationError('signPubKeyCert does not chain to the configured UnionPay root')
    }
    if (![certificate, this.#middle, this.#root].every((link) => validAt(link, now))) {
      throw new AcpVerificationError('A certificate of the chain is expired or not yet valid')
    }
    if (commonName(certificate).split('@')[2] !== UNIONPAY_COMPANY) throw new AcpVerificationError('signPubKeyCert is not UnionPay’s')
    if (!mayDigitallySign(pem)) throw new AcpVerificationError('signPubKeyCert is not a signing certificate')
    return certificate
  }
}

/** UnionPay answer codes after which the same request may succeed later. */
const RETRIABLE_CODES = new Set(['02', '03', '04', '05', '06', '37'])

export function answerError(api: string, answer: AcpFields): ChannelError {
  const code = answer.respCode || 'unknown'
  return new ChannelError(`UnionPay ${api}: ${code} ${answer.respMsg ?? ''}`.trim(), code, RETRIABLE_CODES.has(code))
}

export interface AcpClientOptions {
  /** The gateway base: https://gateway.95516.com or the sandbox's /unionpay. */
  baseUrl: string
  timeoutMs?: number
}

/** One merchant's signed conversation with the gateway. */
export class AcpClient {
  readonly merId: string
  readonly certId: string
  readonly #privateKey: KeyObject
  readonly #verifier: AcpVerifier
  readonly #baseUrl: string
  readonly #timeoutMs: number

  constructor(credentials: UnionPayCredentials, options: AcpClientOptions) {
    try {
      this.certId = certIdOf(credentials.signCertificate)
      this.#privateKey = createPrivateKey(credentials.signPrivateKey)
      this.#verifier = new AcpVerifier(credentials)
    } catch {
      throw new ChannelError('The UnionPay certificates or signing key are not valid PEM', 'credentials')
    }
    this.merId = credentials.merId
    this.#baseUrl = options.baseUrl.replace(/\/$/, '')
    this.#timeoutMs = options.timeoutMs ?? 10_000
  }

  url(api: AcpApi): string {
    return `${this.#baseUrl}/gateway/api/${api}`
  }

  /** The fields with the common ones (version, encoding, signMethod, certId, merId, accessType 0 = 商户直连), signed. */
  sign(fields: AcpFields): AcpFields {
    const message: AcpFields = { version: ACP_VERSION, encoding: 'UTF-8', signMethod: '01', accessType: '0', merId: this.merId, certId: this.certId, ...fields }
    return { ...message, signature: signFields(message, this.#privateKey) }
  }

  /** Throws AcpVerificationError unless UnionPay signed these fields. */
  verify(fields: AcpFields): void {
    this.#verifier.verify(fields)
  }

  /** Signs and posts a back-end request; the answer comes back verified and about this merchant's order. */
  async post(api: Exclude<AcpApi, 'frontTransReq.do'>, fields: AcpFields): Promise<AcpFields> {
    const request = this.sign(fields)
    let status: number
    let text: string
    try {
      const response = await fetch(this.url(api), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: new URLSearchParams(request).toString(),
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
      status = response.status
      text = await response.text()
    } catch (error: any) {
      throw new ChannelError(`UnionPay ${api} unreachable: ${error?.message ?? error}`, 'network', true)
    }
    if (status !== 200) throw new ChannelError(`UnionPay ${api} answered HTTP ${status}`, `http_${status}`, status >= 500)
    const answer = parseAcpResponse(text)
    // An unsigned answer is only ever an error (nothing is done on it).
    if (!answer.signature) throw answerError(api, answer)
    try {
      this.#verifier.verify(answer)
    } catch (error: any) {
      throw new ChannelError(`UnionPay ${api}: unverifiable answer (${error.message})`, 'signature')
    }
    if ((answer.merId && answer.merId !== this.merId) || (answer.orderId && answer.orderId !== request.orderId)) {
      throw new ChannelError(`UnionPay ${api}: the answer is about another merchant or order`, 'mismatch')
    }
    return answer
  }
}
