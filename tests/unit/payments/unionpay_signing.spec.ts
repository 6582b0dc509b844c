import { test } from '@japa/runner'
import { createHash, createPublicKey, verify } from 'node:crypto'
import {
  AcpVerificationError,
  AcpVerifier,
  UNIONPAY_COMPANY,
  beijingTime,
  certIdOf,
  parseAcpResponse,
  parseBeijingTime,
  signFields,
  signingString,
  type AcpFields,
} from '#payments/unionpay/acp_client'
import { generateKeys, issueCertificate, type IssuedCertificate, type KeyPair } from '#sandbox/gateways/unionpay/pki'

const CA = 'C=CN, O=Test CA'
const UNIONPAY_CN = `C=cn, O=CFCA OCA1, OU=Enterprises, CN=041@Z12TEST:SIGN@${UNIONPAY_COMPANY}@00000001`

test.group('UnionPay ACP signing', () => {
  test('signs the sorted non-empty fields but signature, values raw', ({ assert }) => {
    const fields = { txnAmt: '100', merId: '777290058110097', signature: 'old', orderDesc: '', frontUrl: 'https://shop.example/return?a=1&b=2', accessType: '0', reqReserved: '门票' }
    assert.equal(signingString(fields), 'accessType=0&frontUrl=https://shop.example/return?a=1&b=2&merId=777290058110097&reqReserved=门票&txnAmt=100')
  })

  test('writes and reads Beijing time', ({ assert }) => {
    const instant = new Date('2026-01-31T16:30:05Z')
    assert.equal(beijingTime(instant), '20260201003005')
    assert.equal(parseBeijingTime('20260201003005')?.toISOString(), instant.toISOString())
    assert.isUndefined(parseBeijingTime('20260230120000'))
    assert.isUndefined(parseBeijingTime('2026020112'))
  })

  test('parses answers whose {} and [] values hold & and =', ({ assert }) => {
    const answer = parseAcpResponse(
      'respCode=00&respMsg=成功[0000000]&reserved={cardNumber=6216&issIns=0801{x=1&y=2}}&signPubKeyCert=-----BEGIN CERTIFICATE-----\r\nMIIB+/a==\r\n-----END CERTIFICATE-----&signature=ab+c/d==&empty=\n'
    )
    assert.deepEqual(answer, {
      respCode: '00',
      respMsg: '成功[0000000]',
      reserved: '{cardNumber=6216&issIns=0801{x=1&y=2}}',
      signPubKeyCert: '-----BEGIN CERTIFICATE-----\r\nMIIB+/a==\r\n-----END CERTIFICATE-----',
      signature: 'ab+c/d==',
      empty: '',
    })
  })
})

test.group('UnionPay ACP certificates', (group) => {
  let keys: Record<'root' | 'middle' | 'leaf' | 'stranger', KeyPair>
  let root: IssuedCertificate
  let middle: IssuedCertificate
  let signing: IssuedCertificate
  let verifier: AcpVerifier

  const signedBy = (certificate: IssuedCertificate, fields: AcpFields = {}): AcpFields => {
    const message = { version: '5.1.0', encoding: 'UTF-8', signMethod: '01', merId: '777290058110097', orderId: '20260201003005abcdefghij', respCode: '00', txnAmt: '8800', signPubKeyCert: certificate.certificate, ...fields }
    return { ...message, signature: signFields(message, certificate.privateKey) }
  }
  const leaf = (subject: string, options: { issuer?: IssuedCertificate; notAfter?: Date; usage?: 'sign' | 'encrypt' } = {}) =>
    issueCertificate({ subject, issuer: options.issuer ?? middle, usage: options.usage ?? 'sign', keys: keys.leaf, notAfter: options.notAfter })

  group.setup(async () => {
    const [rootKeys, middleKeys, leafKeys, strangerKeys] = await Promise.all([generateKeys(), generateKeys(), generateKeys(), generateKeys()])
    keys = { root: rootKeys, middle: middleKeys, leaf: leafKeys, stranger: strangerKeys }
    root = await issueCertificate({ subject: `${CA}, CN=Root`, usage: 'ca', keys: keys.root })
    middle = await issueCertificate({ subject: `${CA}, CN=Middle`, issuer: root, usage: 'ca', keys: keys.middle })
    signing = await leaf(UNIONPAY_CN)
    verifier = new AcpVerifier({ rootCertificate: root.certificate, middleCertificate: middle.certificate })
  })

  test('certId is the serial number in decimal', async ({ assert }) => {
    const certificate = await issueCertificate({ subject: 'CN=merchant', usage: 'sign', keys: keys.leaf, serialNumber: '1002653215' })
    assert.equal(certIdOf(certificate.certificate), '68759663125')
  })

  test('signs the hex SHA-256 of the signing string with SHA256withRSA', ({ assert }) => {
    const fields = { merId: '777290058110097', txnAmt: '100', orderId: '20260201003005abcdefghij' }
    const digest = createHash('sha256').update(signingString(fields)).digest('hex')
    assert.match(digest, /^[0-9a-f]{64}$/)
    assert.isTrue(verify('sha256', Buffer.from(digest), createPublicKey(signing.privateKey), Buffer.from(signFields(fields, signing.privateKey), 'base64')))
  })

  test('accepts a message signed by UnionPay’s certificate of the chain', ({ assert }) => {
    assert.doesNotThrow(() => verifier.verify(signedBy(signing)))
  })

  test('rejects a tampered field', ({ assert }) => {
    assert.throws(() => verifier.verify({ ...signedBy(signing), txnAmt: '1' }), AcpVerificationError, 'The signature does not match')
  })

  test('rejects a certificate from a look-alike chain (same names, other keys)', async ({ assert }) => {
    const fakeRoot = await issueCertificate({ subject: `${CA}, CN=Root`, usage: 'ca', keys: keys.stranger })
    const fakeMiddle = await issueCertificate({ subject: `${CA}, CN=Middle`, issuer: fakeRoot, usage: 'ca', keys: keys.stranger })
    const impostor = await leaf(UNIONPAY_CN, { issuer: fakeMiddle })
    assert.throws(() => verifier.verify(signedBy(impostor)), AcpVerificationError, 'signPubKeyCert does not chain to the configured UnionPay root')
    // The middle certificate itself is not issued by the middle.
    assert.throws(() => verifier.verify(signedBy({ certificate: middle.certificate, privateKey: signing.privateKey })), AcpVerificationError, /does not chain/)
  })

  test('rejects a certificate of the chain not naming 中国银联股份有限公司', async ({ assert }) => {
    const merchant = await leaf('C=cn, O=CFCA OCA1, CN=041@Z12777290058110097@某商户@00000001')
    assert.throws(() => verifier.verify(signedBy(merchant)), AcpVerificationError, 'signPubKeyCert is not UnionPay’s')
    const companySecond = await leaf(`C=cn, CN=CFCA@${UNIONPAY_COMPANY}@00040000:SIGN@1`)
    assert.throws(() => verifier.verify(signedBy(companySecond)), AcpVerificationError, 'signPubKeyCert is not UnionPay’s')
  })

  test('rejects UnionPay’s encryption certificate', async ({ assert }) => {
    const encryption = await leaf(UNIONPAY_CN, { usage: 'encrypt' })
    assert.throws(() => verifier.verify(signedBy(encryption)), AcpVerificationError, 'signPubKeyCert is not a signing certificate')
  })

  test('rejects an expired certificate', async ({ assert }) => {
    const expired = await leaf(UNIONPAY_CN, { notAfter: new Date(Date.now() - 60_000) })
    assert.throws(() => verifier.verify(signedBy(expired)), AcpVerificationError, /expired/)
  })

  test('rejects unsigned messages and other signature methods', ({ assert }) => {
    const { signature, ...unsigned } = signedBy(signing)
    assert.isString(signature)
    assert.throws(() => verifier.verify(unsigned), AcpVerificationError, 'Unsigned message')
    assert.throws(() => verifier.verify({ ...signedBy(signing), signMethod: '11' }), AcpVerificationError, /signMethod/)
    assert.throws(() => verifier.verify(signedBy(signing, { signPubKeyCert: 'not a certificate' })), AcpVerificationError, 'signPubKeyCert is not a certificate')
  })
})
