/*
 * A venue's merchant credentials per channel, as the channel implementations receive them
 * (decrypted). Fields listed in SECRET_FIELDS are encrypted at rest and never leave the server.
 * Keys and certificates are PEM text.
 */
import type { ChannelKind } from '#payments/channel'

export interface WechatPayCredentials {
  /** 商户号 */
  mchid: string
  /** The official account's (or mini program's) AppID the payments are made in. */
  appid: string
  /** The merchant API certificate's serial number (hex), sent in every request's Authorization. */
  serialNo: string
  /** The merchant API private key (RSA, PEM). */
  privateKey: string
  /** APIv3 key (32 characters): decrypts notifications and platform certificates. */
  apiV3Key: string
  /**
   * "WeChat Pay public key" verification mode (newer merchants): its id (PUB_KEY_ID_...) and PEM.
   * Without it, responses and notifications are verified with the platform certificates,
   * downloaded from /v3/certificates. Both can be set while a merchant switches over.
   */
  publicKeyId?: string
  publicKey?: string
}

export interface AlipayCredentials {
  appId: string
  /** The app's private key (RSA2, PEM). */
  privateKey: string
  /** Alipay's public key for this app (PEM): verifies responses and notifications. */
  alipayPublicKey: string
}

export interface UnionPayCredentials {
  /** 商户代码 */
  merId: string
  /** The merchant signing certificate (PEM) and its private key (PEM). certId is its serial in decimal. */
  signCertificate: string
  signPrivateKey: string
  /** UnionPay's root and middle certificates (PEM): the chain a message's signPubKeyCert must lead to. */
  rootCertificate: string
  middleCertificate: string
}

export interface ChannelCredentials {
  wechat_pay: WechatPayCredentials
  alipay: AlipayCredentials
  unionpay: UnionPayCredentials
}

/** Never returned in a response or written to a log. */
export const SECRET_FIELDS: { [K in ChannelKind]: (keyof ChannelCredentials[K])[] } = {
  wechat_pay: ['privateKey', 'apiV3Key'],
  alipay: ['privateKey'],
  unionpay: ['signPrivateKey'],
}
