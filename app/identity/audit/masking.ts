/*
 * What an audit record may show of a value: secrets never, ID numbers and phone numbers masked
 * (110101********1234, 138****5678), everything else as is.
 */
const SECRET_KEY = /pass(word)?|secret|token|totp|private|api_?key|credential|signature/i
const ID_NUMBER_KEY = /^(id_?(card|number|no)|identity_?number|idCard|idNumber)$/i
const PHONE_KEY = /phone|mobile/i

export function maskIdNumber(value: string): string {
  if (value.length <= 10) return '*'.repeat(value.length)
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`
}

export function maskPhone(value: string): string {
  return value.length >= 7 ? `${value.slice(0, 3)}****${value.slice(-4)}` : '****'
}

export function maskSensitive(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return value ?? null
  if (SECRET_KEY.test(key)) return '[redacted]'
  if (typeof value === 'string') {
    if (ID_NUMBER_KEY.test(key)) return maskIdNumber(value)
    if (PHONE_KEY.test(key)) return maskPhone(value)
    return value
  }
  if (Array.isArray(value)) return value.map((item) => maskSensitive(item, key))
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') {
    if (typeof (value as any).toISO === 'function') return (value as any).toISO()
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSensitive(v, k)]))
  }
  return value
}
