import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { maskIdNumber, maskPhone, maskSensitive } from '#identity/audit/masking'

test.group('Audit masking', () => {
  test('redacts secrets whatever their value', ({ assert }) => {
    const masked = maskSensitive({
      password: 'correct-horse-42',
      totp_secret: 'JBSWY3DPEHPK3PXP',
      apiKey: 'k-123',
      rememberToken: 'abc',
      credentials: { user: 'a', pass: 'b' },
      signature: null,
    })
    assert.deepEqual(masked, {
      password: '[redacted]',
      totp_secret: '[redacted]',
      apiKey: '[redacted]',
      rememberToken: '[redacted]',
      credentials: '[redacted]',
      signature: null,
    })
  })

  test('keeps the first six and last four characters of an ID number', ({ assert }) => {
    assert.equal(maskIdNumber('110101199001011234'), '110101********1234')
    assert.deepEqual(maskSensitive({ id_number: '110101199001011234', idCard: '11010119900101123X' }), {
      id_number: '110101********1234',
      idCard: '110101********123X',
    })
    // Too short to show both ends without giving most of it away.
    assert.equal(maskIdNumber('1234567890'), '**********')
  })

  test('keeps the first three and last four digits of a phone number', ({ assert }) => {
    assert.equal(maskPhone('13800138000'), '138****8000')
    assert.equal(maskPhone('12345'), '****')
    assert.deepEqual(maskSensitive({ phone: '13800138000', contactPhone: '13912345678', mobile: '15000001111' }), {
      phone: '138****8000',
      contactPhone: '139****5678',
      mobile: '150****1111',
    })
  })

  test('masks inside nested objects and arrays', ({ assert }) => {
    const input = {
      tenant: { name: 'Venue', owner: { email: 'o@v.test', phone: '13800138000', password: 'x' } },
      visitors: [{ fullName: 'A', idNumber: '110101199001011234' }],
      phones: ['13800138000', '13900139000'],
    }
    assert.deepEqual(maskSensitive(input), {
      tenant: { name: 'Venue', owner: { email: 'o@v.test', phone: '138****8000', password: '[redacted]' } },
      visitors: [{ fullName: 'A', idNumber: '110101********1234' }],
      phones: ['138****8000', '139****9000'],
    })
    assert.equal(input.tenant.owner.phone, '13800138000', 'the input is left untouched')
  })

  test('leaves other values as they are and serializes dates', ({ assert }) => {
    const at = new Date('2030-01-02T03:04:05.000Z')
    const masked = maskSensitive({ id: 7, status: 'active', enabled: true, at, approvedAt: DateTime.fromJSDate(at).toUTC(), missing: undefined })
    assert.deepEqual(masked, {
      id: 7,
      status: 'active',
      enabled: true,
      at: '2030-01-02T03:04:05.000Z',
      approvedAt: '2030-01-02T03:04:05.000Z',
      missing: null,
    })
    assert.isNull(maskSensitive(undefined))
  })
})
