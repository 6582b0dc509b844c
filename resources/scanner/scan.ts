/*
 * What the check-in API answers (POST /console/api/checkins, app/checkin/services/checkin_service.ts),
 * and how the scanner names each result: Chinese first, then English.
 */
export interface ScanAnswer {
  ok: boolean
  result: ScanResult
  /** Ready to show (English, with times in the site's zone). */
  message: string
  people: number
  ticket?: { id: number; product: string; sessionStartsAt: string; holder: string | null; partySize: number; entriesLeft: number | null }
  previousEntry?: { at: string; device: string | null }
  replayed?: boolean
}

export interface ScanRequest {
  code?: string
  idNumber?: string
  method: 'qr' | 'id_card' | 'manual'
  direction: 'entry' | 'exit'
  siteId: number
  /** One per scan: the same request retried (lost answer) is answered again, never counted twice. */
  nonce: string
}

/** Each result the API can give, as staff read it. */
export const RESULT_TITLES = {
  admitted: { zh: '核销成功', en: 'Admitted' },
  exited: { zh: '已出场', en: 'Exited' },
  already_used: { zh: '已使用', en: 'Already used' },
  wrong_day: { zh: '非当日票', en: 'Wrong day' },
  not_yet_open: { zh: '未到入场时间', en: 'Not yet open' },
  closed: { zh: '入场已结束', en: 'Entry closed' },
  refunded: { zh: '已退票', en: 'Refunded' },
  changed: { zh: '已改签', en: 'Changed' },
  revoked: { zh: '券码已更换', en: 'Code replaced' },
  not_valid: { zh: '无效票', en: 'Not valid' },
  wrong_venue: { zh: '非本场地门票', en: 'Other site' },
  party_exceeded: { zh: '超出人数', en: 'Too many people' },
  not_inside: { zh: '无入场记录', en: 'Not inside' },
  unknown: { zh: '无效券码', en: 'Unknown code' },
} satisfies Record<string, { zh: string; en: string }>

export type ScanResult = keyof typeof RESULT_TITLES

/** A mainland resident ID number (18 characters, or the old 15 digits): the scan looks up the holder's ticket. */
const ID_NUMBER = /^(\d{17}[\dXx]|\d{15})$/

/** What staff typed: an ID number, or a ticket code. */
export function typedScan(text: string): Pick<ScanRequest, 'code' | 'idNumber' | 'method'> {
  const value = text.trim()
  return ID_NUMBER.test(value) ? { idNumber: value.toUpperCase(), method: 'id_card' } : { code: value, method: 'manual' }
}

/** The scan's nonce: a UUID, also where crypto.randomUUID is missing (plain-HTTP pages on a venue's LAN). */
export function scanNonce(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** What a scan read, to show beside an answer without a ticket (a typo is seen at once); ID numbers masked as everywhere. */
export function scannedText(request: Pick<ScanRequest, 'code' | 'idNumber'>): string {
  if (request.idNumber) return `${request.idNumber.slice(0, 6)}${'*'.repeat(request.idNumber.length - 10)}${request.idNumber.slice(-4)}`
  return request.code ?? ''
}
