import vine from '@vinejs/vine'

const pem = (label: string) =>
  vine
    .string()
    .trim()
    .maxLength(20_000)
    .regex(new RegExp(`-----BEGIN [A-Z ]*${label}[A-Z ]*-----`))

/*
 * One request shape per channel. Secrets (private keys, API keys) may be left out of an update to
 * keep the stored ones; give new ones to rotate them.
 */
export const wechatPayAccountValidator = vine.create({
  enabled: vine.boolean().optional(),
  mchid: vine.string().trim().regex(/^\d{8,12}$/),
  appid: vine.string().trim().regex(/^wx[0-9a-zA-Z]{16}$/),
  serialNo: vine.string().trim().regex(/^[0-9A-Fa-f]{8,40}$/),
  privateKey: pem('PRIVATE KEY').optional(),
  apiV3Key: vine.string().fixedLength(32).optional(),
  publicKeyId: vine.string().trim().regex(/^PUB_KEY_ID_\w+$/).optional(),
  publicKey: pem('PUBLIC KEY').optional().requiredIfExists('publicKeyId'),
})

export const alipayAccountValidator = vine.create({
  enabled: vine.boolean().optional(),
  appId: vine.string().trim().regex(/^\d{16}$/),
  privateKey: pem('PRIVATE KEY').optional(),
  alipayPublicKey: pem('PUBLIC KEY'),
})

export const unionPayAccountValidator = vine.create({
  enabled: vine.boolean().optional(),
  merId: vine.string().trim().regex(/^\d{15}$/),
  signCertificate: pem('CERTIFICATE'),
  signPrivateKey: pem('PRIVATE KEY').optional(),
  rootCertificate: pem('CERTIFICATE'),
  middleCertificate: pem('CERTIFICATE'),
})

export const accountValidators = {
  wechat_pay: wechatPayAccountValidator,
  alipay: alipayAccountValidator,
  unionpay: unionPayAccountValidator,
}
