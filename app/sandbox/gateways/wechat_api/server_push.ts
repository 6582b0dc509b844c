/*
 * WeChat calling an official account's server (服务器配置): the URL check (GET with echostr) and
 * messages and events pushed as WeChat pushes them, signed, and in the compatible and safe modes
 * encrypted; the reply is read back (checked and decrypted when encrypted). A test can forge one
 * part of what it sends, to see the server refuse it.
 */
import { randomBytes } from 'node:crypto'
import { MessageCipher, wechatSignature } from '#wechat/message_crypto'
import { buildWechatXml, parseWechatXml } from '#wechat/wechat_xml'
import { randomDigits } from '#core/random_text'
import { FAKE_USERS, openidFor, type SandboxOfficialAccount } from '#sandbox/gateways/wechat_api/book'

export type Forgery = 'signature' | 'msg_signature' | 'appid' | 'timestamp'

export interface PushInput {
  url: string
  mode?: 'plain' | 'compatible' | 'safe'
  message: {
    type: 'event' | 'text'
    /** subscribe, unsubscribe, CLICK, VIEW, TEMPLATESENDJOBFINISH, ... */
    event?: string
    eventKey?: string
    content?: string
    /** A fake user's id (default: the first), or an openid outright. */
    user?: string
    openid?: string
    /** More fields, named as WeChat names them (e.g. MsgID, Status). */
    fields?: Record<string, string | number>
  }
  forge?: Forgery
}

/** A signature that is well formed but wrong. */
const forged = (signature: string) => `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`

function signedQuery(account: SandboxOfficialAccount, forge?: Forgery) {
  const now = Math.floor(Date.now() / 1000)
  const timestamp = String(forge === 'timestamp' ? now - 3600 : now)
  const nonce = randomDigits(10)
  const signature = wechatSignature(account.token, timestamp, nonce)
  return { timestamp, nonce, signature: forge === 'signature' ? forged(signature) : signature }
}

/** What the 提交 button of the server configuration does: a GET the server must answer with echostr. */
export async function verifyServer(account: SandboxOfficialAccount, url: string, forge?: Forgery) {
  const echostr = randomDigits(19)
  const target = new URL(url)
  for (const [name, value] of Object.entries({ ...signedQuery(account, forge), echostr })) target.searchParams.set(name, value)
  const response = await fetch(target)
  const body = await response.text()
  return { status: response.status, body, verified: response.ok && body === echostr }
}

export async function pushMessage(account: SandboxOfficialAccount, input: PushInput) {
  const { message, forge } = input
  const mode = input.mode ?? 'plain'
  const openid = message.openid ?? openidFor(account.appId, message.user ?? FAKE_USERS[0].id)
  const content: Record<string, string | number> =
    message.type === 'text'
      ? { MsgType: 'text', Content: message.content ?? '', MsgId: Number(randomDigits(15)) }
      : { MsgType: 'event', Event: message.event ?? 'subscribe', ...(message.eventKey === undefined ? {} : { EventKey: message.eventKey }) }
  const fields = { ToUserName: account.originalId, FromUserName: openid, CreateTime: Math.floor(Date.now() / 1000), ...content, ...message.fields }
  const signed = signedQuery(account, forge)
  const query = new URLSearchParams({ ...signed, openid })

  let body = buildWechatXml(fields)
  if (mode !== 'plain') {
    const encrypt = new MessageCipher(account.encodingAesKey, account.appId).encrypt(body, forge === 'appid' ? `wx${randomBytes(8).toString('hex')}` : account.appId)
    const msgSignature = wechatSignature(account.token, signed.timestamp, signed.nonce, encrypt)
    query.set('encrypt_type', 'aes')
    query.set('msg_signature', forge === 'msg_signature' ? forged(msgSignature) : msgSignature)
    // Compatible mode sends the plaintext fields and the ciphertext side by side.
    body = buildWechatXml(mode === 'safe' ? { ToUserName: account.originalId, Encrypt: encrypt } : { ...fields, Encrypt: encrypt })
  }

  const response = await fetch(`${input.url}?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body })
  const text = await response.text()
  return { status: response.status, body: text, ...readReply(account, text) }
}

/** The server's reply: nothing ("success" or empty), plain XML, or encrypted XML checked against its signature. */
function readReply(account: SandboxOfficialAccount, text: string) {
  if (!text.trim() || text === 'success' || !text.includes('<xml>')) return { encrypted: false, reply: null }
  const outer = parseWechatXml(text)
  if (!outer.Encrypt) return { encrypted: false, reply: outer }
  const signatureValid = outer.MsgSignature === wechatSignature(account.token, outer.TimeStamp, outer.Nonce, outer.Encrypt)
  return { encrypted: true, signatureValid, reply: parseWechatXml(new MessageCipher(account.encodingAesKey, account.appId).decrypt(outer.Encrypt)) }
}
