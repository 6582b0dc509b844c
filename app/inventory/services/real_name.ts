/*
 * Real-name ID numbers are never compared in clear: a keyed hash (HMAC-SHA256 with a per-venue
 * key derived from the app key) identifies the same ID for lookups and uniqueness, and means
 * nothing outside the venue.
 */
import { createHmac } from 'node:crypto'
import env from '#start/env'

export function normalizeIdNumber(idNumber: string): string {
  return idNumber.replace(/\s+/g, '').toUpperCase()
}

export function idNumberHash(tenantId: number, idNumber: string): string {
  const key = createHmac('sha256', env.get('APP_KEY').release()).update(`real-name:${tenantId}`).digest()
  return createHmac('sha256', key).update(normalizeIdNumber(idNumber)).digest('hex')
}

/** Mainland resident ID (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character. */
export function isValidMainlandId(idNumber: string): boolean {
  const id = normalizeIdNumber(idNumber)
  if (!/^\d{17}[\dX]$/.test(id)) return false
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = weights.reduce((total, weight, i) => total + weight * Number(id[i]), 0)
  return '10X98765432'[sum % 11] === id[17]
}
