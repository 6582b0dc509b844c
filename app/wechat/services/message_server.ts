/*
 * The venue's message server (服务器配置): WeChat checks the URL with a signed GET, then POSTs
 * every message and event a visitor sends the account, and takes the response as the reply.
 * - every request carries `signature` = SHA-1(sorted token, timestamp, nonce);
 * - in the compatible and safe modes (encrypt_type=aes) the body's Encrypt is covered by
 *   `msg_signature` too, decrypted, and the reply is encrypted and signed back; in safe mode a
 *   plaintext message is refused;
 * - a message older or newer than five minutes is refused (a replay), WeChat's own retries come
 *   within seconds.
 * A refusal is logged and audited, answered 401, and nothing else happens.
 */
import { randomInt } from 'node:crypto'
import logger from '@adonisjs/core/services/logger'
import { AppError, invalid } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant } from '#tenancy/services/tenant_database'
import { MessageCipher, MessageCryptoError, signatureMatches, wechatSignature } from '#wechat/message_crypto'
import { autoReply } from '#wechat/services/auto_replies'
import { loadOfficialAccount, type OfficialAccount } from '#wechat/services/official_accounts'
import { recordTemplateResult } from '#wechat/services/template_messages'
import { buildWechatXml, parseWechatXml, type XmlFields } from '#wechat/wechat_xml'
import type Tenant from '#tenancy/models/tenant'

const MAX_CLOCK_SKEW_S = 300

export interface SignedQuery {
  signature?: string
  timestamp?: string
  nonce?: string
  echostr?: string
  encrypt_type?: string
  msg_signature?: string
}

export interface ServerReply {
  contentType: string
  body: string
}

export type RejectionReason = 'signature' | 'timestamp' | 'msg_signature' | 'decrypt' | 'mode'

export class MessageRejected extends AppError {
  constructor(readonly reason: RejectionReason) {
    super('The request is not signed by WeChat for this account', { status: 401, code: 'E_WECHAT_SIGNATURE' })
  }
}

const now = () => Math.floor(Date.now() / 1000)

export default class MessageServer {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new MessageServer(tenant)
  }

  /** The URL check: echostr back when the signature holds. */
  async verifyUrl(query: SignedQuery): Promise<string> {
    const account = await runInTenant(this.tenant, loadOfficialAccount)
    await this.#checkSignature(account, query)
    return query.echostr ?? ''
  }

  /** A message or event: verified, opened, answered (in its own mode). */
  async receive(query: SignedQuery, rawBody: string): Promise<ServerReply> {
    const account = await runInTenant(this.tenant, loadOfficialAccount)
    await this.#checkSignature(account, query)
    if (Math.abs(now() - Number(query.timestamp)) > MAX_CLOCK_SKEW_S) await this.#reject(account, 'timestamp', `timestamp ${query.timestamp}`)
    const encrypted = query.encrypt_type === 'aes'
    const message = encrypted ? await this.#open(account, query, rawBody) : await this.#plain(account, rawBody)
    if (!message.FromUserName || !message.MsgType) throw invalid('body', 'This is not a WeChat message', 'E_WECHAT_MESSAGE')

    const text = await runInTenant(this.tenant, async (trx) => {
      if (message.Event === 'TEMPLATESENDJOBFINISH') {
        await recordTemplateResult(trx, message.MsgID, message.Status)
        return null
      }
      return autoReply(trx, this.tenant, account, message)
    })
    if (!text) return { contentType: 'text/plain; charset=utf-8', body: 'success' }
    const reply = buildWechatXml({ ToUserName: message.FromUserName, FromUserName: message.ToUserName, CreateTime: now(), MsgType: 'text', Content: text })
    return { contentType: 'application/xml; charset=utf-8', body: encrypted ? this.#seal(account, reply) : reply }
  }

  async #checkSignature(account: OfficialAccount, query: SignedQuery) {
    const expected = wechatSignature(account.token, query.timestamp ?? '', query.nonce ?? '')
    if (!signatureMatches(expected, query.signature)) await this.#reject(account, 'signature', 'signature does not match')
  }

  async #plain(account: OfficialAccount, rawBody: string): Promise<XmlFields> {
    if (account.messageMode === 'safe') await this.#reject(account, 'mode', 'a plaintext message while the account is in safe mode')
    return parseWechatXml(rawBody)
  }

  async #open(account: OfficialAccount, query: SignedQuery, rawBody: string): Promise<XmlFields> {
    if (!account.encodingAesKey) return this.#reject(account, 'mode', 'an encrypted message but no EncodingAESKey is configured')
    const encrypt = parseWechatXml(rawBody).Encrypt ?? ''
    const expected = wechatSignature(account.token, query.timestamp ?? '', query.nonce ?? '', encrypt)
    if (!signatureMatches(expected, query.msg_signature)) await this.#reject(account, 'msg_signature', 'msg_signature does not match')
    try {
      return parseWechatXml(new MessageCipher(account.encodingAesKey, account.appId).decrypt(encrypt))
    } catch (error) {
      if (!(error instanceof MessageCryptoError)) throw error
      return this.#reject(account, 'decrypt', error.message)
    }
  }

  /** The reply encrypted, in the envelope WeChat expects (Encrypt, MsgSignature, TimeStamp, Nonce). */
  #seal(account: OfficialAccount, reply: string): string {
    const encrypt = new MessageCipher(account.encodingAesKey!, account.appId).encrypt(reply)
    const timestamp = String(now())
    const nonce = String(randomInt(1e9, 1e10))
    return buildWechatXml({ Encrypt: encrypt, MsgSignature: wechatSignature(account.token, timestamp, nonce, encrypt), TimeStamp: Number(timestamp), Nonce: nonce })
  }

  async #reject(account: OfficialAccount, reason: RejectionReason, detail: string): Promise<never> {
    logger.warn({ tenant: this.tenant.slug, appId: account.appId, reason, detail }, 'WeChat message refused')
    await runInTenant(this.tenant, (trx) =>
      auditLog.tenant(trx, {
        action: 'wechat.message_rejected',
        outcome: 'denied',
        subjectType: 'wechat_account',
        subjectId: account.appId,
        meta: { reason, detail },
        actor: { type: 'anonymous' },
      })
    )
    throw new MessageRejected(reason)
  }
}
