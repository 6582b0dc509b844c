/*
 * The official account's message crypto (消息加解密), as WeChat specifies it:
 * - signatures are SHA-1 over the sorted, concatenated parts: token, timestamp, nonce for the
 *   URL check and every request (`signature`), plus the Encrypt text in AES modes (`msg_signature`);
 * - AES-256-CBC with key = Base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7
 *   padding to 32-byte blocks, plaintext = random(16) + length(4, big-endian) + message + AppID.
 * Used by the message endpoint and by the sandbox that plays WeChat.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto'

const BLOCK = 32
const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/

export class MessageCryptoError extends Error {}

export function wechatSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex')
}

/** Compares a received signature with the expected one in constant time. */
export function signatureMatches(expected: string, received: unknown): boolean {
  if (typeof received !== 'string' || received.length !== expected.length) return false
  return timingSafeEqual(Buffer.from(expected), Buffer.from(received))
}

export class MessageCipher {
  readonly #key: Buffer

  constructor(
    encodingAesKey: string,
    readonly appId: string
  ) {
    if (!ENCODING_AES_KEY.test(encodingAesKey)) throw new MessageCryptoError('The EncodingAESKey must be 43 letters and digits')
    this.#key = Buffer.from(`${encodingAesKey}=`, 'base64')
  }

  encrypt(message: string, appId = this.appId): string {
    const body = Buffer.from(message, 'utf8')
    const length = Buffer.alloc(4)
    length.writeUInt32BE(body.length)
    const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(appId, 'utf8')])
    const pad = BLOCK - (plain.length % BLOCK)
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#key.subarray(0, 16)).setAutoPadding(false)
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64')
  }

  /** The message inside `encrypted`; throws unless it decrypts, is well formed and names this AppID. */
  decrypt(encrypted: string): string {
    let padded: Buffer
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#key.subarray(0, 16)).setAutoPadding(false)
      padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()])
    } catch {
      throw new MessageCryptoError('The message does not decrypt')
    }
    const pad = padded.at(-1) ?? 0
    if (pad < 1 || pad > BLOCK || padded.length < 20 + pad || !padded.subarray(padded.length - pad).every((byte) => byte === pad)) {
      throw new MessageCryptoError('The message has a bad padding')
    }
    const plain = padded.subarray(0, padded.length - pad)
    const length = plain.readUInt32BE(16)
    if (20 + length > plain.length) throw new MessageCryptoError('The message length is wrong')
    if (plain.subarray(20 + length).toString('utf8') !== this.appId) throw new MessageCryptoError('The message is for another AppID')
    return plain.subarray(20, 20 + length).toString('utf8')
  }
}
