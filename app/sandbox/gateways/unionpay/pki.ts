/*
 * The sandbox's stand-in for UnionPay's certificate chain (CFCA root → middle → UnionPay's signing
 * certificate) and the merchants' signing certificates: RSA 2048, SHA256withRSA, made with
 * @peculiar/x509 over WebCrypto. Keys and certificates are kept as PEM.
 */
import 'reflect-metadata' // @peculiar/x509 (tsyringe) needs it loaded first
import { randomBytes, webcrypto } from 'node:crypto'
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509'

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }

export type KeyPair = webcrypto.CryptoKeyPair

export interface IssuedCertificate {
  certificate: string
  privateKey: string
}

export function generateKeys(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']) as Promise<KeyPair>
}

/** What the key may do: issue certificates, sign messages, or encrypt (UnionPay's 敏感信息加密 certificate). */
const USAGES = {
  ca: KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign,
  sign: KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation,
  encrypt: KeyUsageFlags.keyEncipherment | KeyUsageFlags.dataEncipherment,
}

/** A positive serial number (hex) of 8 random bytes. */
const randomSerial = () => {
  const bytes = randomBytes(8)
  bytes[0] = (bytes[0] & 0x7f) | 0x10
  return bytes.toString('hex')
}

export async function issueCertificate(options: {
  /** An X.500 name, e.g. `C=cn, O=CFCA OCA1, CN=041@...` */
  subject: string
  /** None: self-signed. */
  issuer?: IssuedCertificate
  usage: keyof typeof USAGES
  /** New keys unless given (tests reuse a few). */
  keys?: KeyPair
  /** Hex; random unless given. */
  serialNumber?: string
  notBefore?: Date
  notAfter?: Date
}): Promise<IssuedCertificate> {
  const keys = options.keys ?? (await generateKeys())
  const issuer = options.issuer && new X509Certificate(options.issuer.certificate)
  const signingKey = options.issuer
    ? await webcrypto.subtle.importKey('pkcs8', PemConverter.decodeFirst(options.issuer.privateKey), RSA, false, ['sign'])
    : keys.privateKey
  const now = Date.now()
  const certificate = await X509CertificateGenerator.create({
    serialNumber: options.serialNumber ?? randomSerial(),
    subject: options.subject,
    issuer: issuer?.subject ?? options.subject,
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: RSA,
    notBefore: options.notBefore ?? new Date(now - 3600_000),
    notAfter: options.notAfter ?? new Date(now + 10 * 365 * 86400_000),
    extensions: [
      new BasicConstraintsExtension(options.usage === 'ca', undefined, true),
      new KeyUsagesExtension(USAGES[options.usage], true),
      await SubjectKeyIdentifierExtension.create(keys.publicKey),
      await AuthorityKeyIdentifierExtension.create(issuer?.publicKey ?? keys.publicKey),
    ],
  })
  const privateKey = PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY')
  return { certificate: certificate.toString('pem'), privateKey }
}
