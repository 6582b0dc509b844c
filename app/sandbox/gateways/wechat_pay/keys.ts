/*
 * The sandbox WeChat Pay's keys and merchants, kept as PEM in the sandbox state ("wechatpay"):
 * a CA that issues the platform certificates (平台证书) and the merchants' API certificates
 * (商户API证书), the WeChat Pay public keys (微信支付公钥) by id, and each registered merchant.
 */
import { createPrivateKey, KeyObject, randomBytes, webcrypto } from 'node:crypto'
import { ALPHANUMERIC, randomDigits, randomText } from '#core/random_text'
import 'reflect-metadata' // @peculiar/x509 (tsyringe) needs it loaded first
import * as x509 from '@peculiar/x509'
import type { WechatPayCredentials } from '#payments/credentials'
import type { SandboxState } from '#sandbox/sandbox_state'

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
const VALIDITY_MS = 5 * 365 * 86400_000
/** Rotation keeps the previous platform certificate listed, as WeChat does while merchants switch. */
const LISTED_PLATFORM_CERTIFICATES = 2

export interface PlatformCertificate {
  serialNo: string
  certificate: string
  privateKey: string
}

export interface SandboxMerchant {
  mchid: string
  appid: string
  /** The merchant API certificate (PEM) and its serial: they check the merchant's requests. */
  serialNo: string
  certificate: string
  apiV3Key: string
  /** Set when the merchant verifies with a WeChat Pay public key (公钥模式) instead of the platform certificates. */
  publicKeyId?: string
}

export interface WechatPayBooks {
  ca?: { certificate: string; privateKey: string }
  /** Oldest first; the last one signs. */
  platformCertificates: PlatformCertificate[]
  publicKeys: Record<string, { publicKey: string; privateKey: string }>
  /** The public key new public-key-mode merchants get. */
  currentPublicKeyId?: string
  merchants: Record<string, SandboxMerchant>
  /** `${mchid}:${out_refund_no}` → out_trade_no: WeChat finds a refund by out_refund_no alone. */
  refundIndex: Record<string, string>
}

/** Who signs what a merchant receives: its public key if it uses one, else the newest platform certificate. */
export interface Signer {
  serial: string
  privateKey: string
}

export function signerFor(books: WechatPayBooks, merchant?: SandboxMerchant): Signer {
  if (merchant?.publicKeyId) return { serial: merchant.publicKeyId, privateKey: books.publicKeys[merchant.publicKeyId].privateKey }
  const newest = books.platformCertificates[books.platformCertificates.length - 1]
  return { serial: newest.serialNo, privateKey: newest.privateKey }
}

/** The books, with keys generated on the sandbox's first start. */
export async function openBooks(state: SandboxState): Promise<WechatPayBooks> {
  const books = state.section<WechatPayBooks>('wechatpay', () => ({ platformCertificates: [], publicKeys: {}, merchants: {}, refundIndex: {} }))
  if (!books.ca) {
    const keys = await rsaKeyPair()
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      ...certificateBasics(),
      name: 'CN=Tessera Sandbox WeChat Pay CA',
      keys,
      signingAlgorithm: RSA,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    })
    books.ca = { certificate: certificate.toString('pem'), privateKey: pem(keys.privateKey) }
    await rotatePlatformKeys(books)
    state.changed()
  }
  return books
}

/** A new platform certificate (the previous one stays listed) and a new public key for merchants registered from now on. */
export async function rotatePlatformKeys(books: WechatPayBooks) {
  const platform = await issueCertificate(books, 'CN=Tenpay.com Sandbox Platform, O=Tessera Sandbox')
  books.platformCertificates = [...books.platformCertificates, platform].slice(-LISTED_PLATFORM_CERTIFICATES)
  const keys = await rsaKeyPair()
  const id = `PUB_KEY_ID_0112${randomDigits(32)}`
  books.publicKeys[id] = { publicKey: pem(keys.publicKey), privateKey: pem(keys.privateKey) }
  books.currentPublicKeyId = id
}

/** A merchant account: its API key pair and certificate, APIv3 key and 商户号, in credentials form. */
export async function createMerchant(books: WechatPayBooks, input: { appid?: unknown; mode?: unknown }): Promise<WechatPayCredentials> {
  if (input.mode !== undefined && input.mode !== 'platform_certificate' && input.mode !== 'public_key') {
    throw Object.assign(new Error('mode must be platform_certificate or public_key'), { status: 422 })
  }
  let mchid: string
  do mchid = `16${randomDigits(8)}`
  while (books.merchants[mchid])
  const appid = typeof input.appid === 'string' && input.appid ? input.appid : `wx${randomBytes(8).toString('hex')}`
  const { serialNo, certificate, privateKey } = await issueCertificate(books, `CN=${mchid}, O=Tessera Sandbox Merchant`)
  const apiV3Key = randomText(32, ALPHANUMERIC)
  const publicKeyId = input.mode === 'public_key' ? books.currentPublicKeyId : undefined
  books.merchants[mchid] = { mchid, appid, serialNo, certificate, apiV3Key, publicKeyId }
  const credentials: WechatPayCredentials = { mchid, appid, serialNo, privateKey, apiV3Key }
  return publicKeyId ? { ...credentials, publicKeyId, publicKey: books.publicKeys[publicKeyId].publicKey } : credentials
}

async function issueCertificate(books: WechatPayBooks, subject: string): Promise<PlatformCertificate> {
  const ca = books.ca!
  const keys = await rsaKeyPair()
  const certificate = await x509.X509CertificateGenerator.create({
    ...certificateBasics(),
    subject,
    issuer: new x509.X509Certificate(ca.certificate).subject,
    publicKey: keys.publicKey,
    signingKey: await createPrivateKey(ca.privateKey).toCryptoKey(RSA, false, ['sign']),
    signingAlgorithm: RSA,
  })
  return { serialNo: certificate.serialNumber.toUpperCase(), certificate: certificate.toString('pem'), privateKey: pem(keys.privateKey) }
}

/** Five years from now; a serial of 40 hex digits like WeChat's, positive and without a leading zero byte (so DER keeps it as written). */
function certificateBasics() {
  const serial = randomBytes(20)
  serial[0] = 0x10 + (serial[0] % 0x70)
  return { serialNumber: serial.toString('hex'), notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + VALIDITY_MS) }
}

function rsaKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey({ ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify'])
}

const pem = (key: CryptoKey) => KeyObject.from(key).export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString()

