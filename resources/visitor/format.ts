/* Money (integer fen) and the venue's times (Asia/Shanghai) as visitors read them. */
import { locale } from './i18n'

export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2).replace(/\.00$/, '')}`
/** ¥12.50, ¥12.00: every fen shown (amounts to pay or refund); the venue's day of an instant. */
export { yuan as yuanExact, dayOf as isoDay } from '../shared/format'

const ZONE = 'Asia/Shanghai'
const formatters = new Map<string, Intl.DateTimeFormat>()

function format(value: string | Date, options: Intl.DateTimeFormatOptions) {
  const key = `${locale.value}|${JSON.stringify(options)}`
  let formatter = formatters.get(key)
  if (!formatter) formatters.set(key, (formatter = new Intl.DateTimeFormat(locale.value, { timeZone: ZONE, ...options })))
  return formatter.format(new Date(value))
}

export const time = (value: string | Date) => format(value, { hour: '2-digit', minute: '2-digit', hour12: false })
export const day = (value: string | Date) => format(value, { month: 'short', day: 'numeric', weekday: 'short' })
export const dateTime = (value: string | Date) => format(value, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })
export const sessionText = (session: { startsAt: string; endsAt: string; name?: string | null }) =>
  `${day(session.startsAt)} ${time(session.startsAt)}–${time(session.endsAt)}${session.name ? ` · ${session.name}` : ''}`

/** A YYYY-MM-DD string as a local Date at noon (for calendars that work in the browser's zone). */
export const dateOf = (iso: string) => new Date(`${iso}T12:00:00`)

/** The YYYY-MM-DD of a calendar's local Date (the inverse of dateOf, whatever the browser's zone). */
export const localIso = (value: Date) =>
  `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`
