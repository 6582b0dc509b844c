/*
 * Money and times as the consoles write them: money is integer fen on the wire; times are shown in a
 * site's zone (Beijing time by default).
 */
/** 12345 fen → "¥123.45". */
export function yuan(fen: number | null | undefined) {
  if (fen === null || fen === undefined) return '—'
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** "123.45" (yuan as typed) → 12345 fen; NaN when it is not an amount. */
export function toFen(yuanText: number | string) {
  const text = String(yuanText).trim()
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return Number.NaN
  const [whole, part = ''] = text.split('.')
  return Number(whole) * 100 + Number(part.padEnd(2, '0'))
}

/** Days and clock times are a site's own (Asia/Shanghai unless the site says otherwise). */
export const BEIJING = 'Asia/Shanghai'

const fields = (value: string | Date, zone: string) => {
  const found: Record<string, string> = {}
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
  for (const part of format.formatToParts(new Date(value))) found[part.type] = part.value
  return found
}

/** "2026-05-01 09:00" in the zone. */
export function localText(value: string | Date, zone = BEIJING) {
  const f = fields(value, zone)
  return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}`
}

export function dateTime(value: string | Date | null | undefined, zone = BEIJING) {
  return value ? localText(value, zone) : '—'
}

/** The calendar day (YYYY-MM-DD) of an instant in the zone. */
export function dayOf(value: string | Date, zone = BEIJING) {
  return localText(value, zone).slice(0, 10)
}
