/*
 * Months as calendars in China show them: weeks from Monday to Sunday. Days are "YYYY-MM-DD"
 * computed in UTC, so the browser's own zone never moves a day.
 */
const pad = (value: number) => String(value).padStart(2, '0')
const iso = (date: Date) => `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`

export interface GridDay {
  day: string
  inMonth: boolean
}

/** The weeks a month ("YYYY-MM") spans, Monday of the first to Sunday of the last. */
export function monthWeeks(month: string): GridDay[][] {
  const [year, monthIndex] = month.split('-').map(Number)
  const first = new Date(Date.UTC(year, monthIndex - 1, 1))
  const day = new Date(first)
  day.setUTCDate(1 - ((first.getUTCDay() + 6) % 7))
  const last = new Date(Date.UTC(year, monthIndex, 0))
  const days: GridDay[] = []
  while (day <= last || days.length % 7) {
    days.push({ day: iso(day), inMonth: day.getUTCMonth() === monthIndex - 1 })
    day.setUTCDate(day.getUTCDate() + 1)
  }
  return Array.from({ length: days.length / 7 }, (_, week) => days.slice(week * 7, week * 7 + 7))
}

/** The first and last day a month's grid shows. */
export function monthRange(month: string): [string, string] {
  const weeks = monthWeeks(month)
  return [weeks[0][0].day, weeks.at(-1)![6].day]
}

/** The month `months` after ("YYYY-MM"). */
export function addMonths(month: string, months: number) {
  const [year, monthIndex] = month.split('-').map(Number)
  const moved = new Date(Date.UTC(year, monthIndex - 1 + months, 1))
  return `${moved.getUTCFullYear()}-${pad(moved.getUTCMonth() + 1)}`
}

/** "YYYY-MM-DD" plus days. */
export function addDays(day: string, days: number) {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return iso(date)
}
