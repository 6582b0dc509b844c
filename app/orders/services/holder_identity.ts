/*
 * Real-name holders' ID numbers at rest: encrypted with the app key (AES-256-GCM), found by a
 * keyed hash, shown only masked (110101********1234).
 */
import encryption from '@adonisjs/core/services/encryption'
import { idNumberHash, normalizeIdNumber } from '#inventory/services/real_name'

export function maskIdNumber(idNumber: string): string {
  const id = normalizeIdNumber(idNumber)
  if (id.length <= 8) return `${id.slice(0, 1)}${'*'.repeat(Math.max(id.length - 2, 0))}${id.slice(-1)}`
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`
}

export function maskPhone(phone: string | null): string | null {
  return phone && phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone
}

export function maskName(name: string | null): string | null {
  if (!name) return name
  const chars = [...name]
  return chars.length === 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`
}

export function sealHolderId(tenantId: number, idNumber: string) {
  return {
    holderIdNumber: encryption.encrypt(normalizeIdNumber(idNumber)),
    holderIdHash: idNumberHash(tenantId, idNumber),
    holderIdMasked: maskIdNumber(idNumber),
  }
}

export function openHolderId(sealed: string | null): string | null {
  return sealed ? encryption.decrypt<string>(sealed) : null
}
