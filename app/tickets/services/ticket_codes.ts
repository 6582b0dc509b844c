/*
 * A ticket's code (the content of its QR): compact, signed, verifiable offline.
 *
 *   version(1) | kid(4) | tenant id(4) | ticket id(6) | secret serial(4) | Ed25519 signature(64)
 *
 * base64url, 111 characters. The signature covers everything before it. The key id names the
 * venue's key that signed it, so keys can rotate while codes signed by a retired key still
 * verify; the serial lets a re-issued ticket revoke its old code (gates keep the revocation list).
 * A copied code of a refunded ticket verifies but is refused by the ticket's state or the list.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

const VERSION = 1
const SIGNED_LENGTH = 1 + 4 + 4 + 6 + 4
const CODE_LENGTH = SIGNED_LENGTH + 64

export interface TicketCodeFields {
  kid: string
  tenantId: number
  ticketId: number
  serial: number
}

export interface DecodedTicketCode extends TicketCodeFields {
  signed: Buffer
  signature: Buffer
}

function signedPart(fields: TicketCodeFields): Buffer {
  const bytes = Buffer.alloc(SIGNED_LENGTH)
  bytes.writeUInt8(VERSION, 0)
  Buffer.from(fields.kid, 'hex').copy(bytes, 1)
  bytes.writeUInt32BE(fields.tenantId, 5)
  bytes.writeUIntBE(fields.ticketId, 9, 6)
  bytes.writeUInt32BE(fields.serial, 15)
  return bytes
}

export function encodeTicketCode(fields: TicketCodeFields, privateKey: KeyObject): string {
  const signed = signedPart(fields)
  return Buffer.concat([signed, sign(null, signed, privateKey)]).toString('base64url')
}

/** Reads a code's fields; null when it is not a ticket code of this format at all. */
export function decodeTicketCode(code: string): DecodedTicketCode | null {
  if (!/^[A-Za-z0-9_-]+$/.test(code)) return null
  const bytes = Buffer.from(code, 'base64url')
  if (bytes.length !== CODE_LENGTH || bytes.readUInt8(0) !== VERSION) return null
  return {
    kid: bytes.subarray(1, 5).toString('hex'),
    tenantId: bytes.readUInt32BE(5),
    ticketId: bytes.readUIntBE(9, 6),
    serial: bytes.readUInt32BE(15),
    signed: bytes.subarray(0, SIGNED_LENGTH),
    signature: bytes.subarray(SIGNED_LENGTH),
  }
}

/** The raw 32-byte Ed25519 public key (base64url) as a KeyObject. */
export function publicKeyFromRaw(raw: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' })
}

export function verifyTicketCode(decoded: DecodedTicketCode, publicKey: KeyObject): boolean {
  return verify(null, decoded.signed, publicKey, decoded.signature)
}
