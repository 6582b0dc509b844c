/*
 * Mainland resident ID numbers (GB 11643), checked before they are sent: 17 digits and an
 * ISO 7064 MOD 11-2 check character. The server checks the same (#inventory/services/real_name).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

export const normalizeId = (value: string) => value.replace(/\s+/g, '').toUpperCase()

export function isValidMainlandId(value: string): boolean {
  const id = normalizeId(value)
  if (!/^\d{17}[\dX]$/.test(id)) return false
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(id[i]), 0)
  return '10X98765432'[sum % 11] === id[17]
}

export const isMobilePhone = (value: string) => /^1[3-9]\d{9}$/.test(value.trim())
