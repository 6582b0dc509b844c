import { test } from '@japa/runner'
import { generateKeyPairSync } from 'node:crypto'
import { decodeTicketCode, encodeTicketCode, publicKeyFromRaw, verifyTicketCode } from '#tickets/services/ticket_codes'

const venueKey = generateKeyPairSync('ed25519')
const otherKey = generateKeyPairSync('ed25519')
const fields = { kid: 'a1b2c3d4', tenantId: 42, ticketId: 123456789, serial: 3 }

test.group('Ticket codes', () => {
  test('a code carries its fields compactly and verifies with the venue public key only', ({ assert }) => {
    const code = encodeTicketCode(fields, venueKey.privateKey)
    assert.isAtMost(code.length, 120)
    assert.match(code, /^[A-Za-z0-9_-]+$/)
    const decoded = decodeTicketCode(code)!
    assert.deepInclude(decoded, fields)
    const raw = venueKey.publicKey.export({ format: 'jwk' }).x as string
    assert.isTrue(verifyTicketCode(decoded, publicKeyFromRaw(raw)))
    assert.isFalse(verifyTicketCode(decoded, otherKey.publicKey))
  })

  test('a forged or altered code fails', ({ assert }) => {
    const forged = decodeTicketCode(encodeTicketCode(fields, otherKey.privateKey))!
    assert.isFalse(verifyTicketCode(forged, venueKey.publicKey))
    const bytes = Buffer.from(encodeTicketCode(fields, venueKey.privateKey), 'base64url')
    bytes.writeUInt32BE(4, 15) // another serial
    assert.isFalse(verifyTicketCode(decodeTicketCode(bytes.toString('base64url'))!, venueKey.publicKey))
    for (const junk of ['', 'hello', 'https://example.com/x', 'A'.repeat(111), '!!!']) assert.isNull(decodeTicketCode(junk))
  })
})
