/*
 * A hall's seat map while staff draw it: sections of rows of seats, in seat units (x along a
 * row, y back from the stage at 0). The API stores exactly these sections (PUT /zones/:id/seat-map).
 */
export interface SeatDraft {
  label: string
  x: number
  accessible: boolean
  sellable: boolean
}

export interface RowDraft {
  label: string
  y: number
  seats: SeatDraft[]
}

export interface SectionDraft {
  name: string
  rows: RowDraft[]
}

export interface RowsTemplate {
  section: string
  rows: number
  seatsPerRow: number
  /** "A" for rows A, B, C…; a number for rows 1, 2, 3… */
  firstRow: string
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ' // no I or O: they read as 1 and 0

/** The label of the row `index` places after `first`. */
export function rowLabel(first: string, index: number) {
  if (/^\d+$/.test(first)) return String(Number(first) + index)
  const start = Math.max(LETTERS.indexOf(first.toUpperCase()), 0)
  const position = start + index
  const letter = LETTERS[position % LETTERS.length]
  return position < LETTERS.length ? letter : `${letter}${Math.floor(position / LETTERS.length) + 1}`
}

/** The rows of a template, behind everything drawn so far (a one-row aisle between sections). */
export function generateRows(sections: SectionDraft[], template: RowsTemplate): RowDraft[] {
  const others = sections.filter((section) => section.name !== template.section)
  const deepest = Math.max(0, ...others.flatMap((section) => section.rows.map((row) => row.y)))
  const firstY = deepest ? deepest + 2 : 1
  return Array.from({ length: template.rows }, (_, r) => ({
    label: rowLabel(template.firstRow, r),
    y: firstY + r,
    seats: Array.from({ length: template.seatsPerRow }, (_, s) => ({ label: String(s + 1), x: s + 1, accessible: false, sellable: true })),
  }))
}

/** Adds the template's section, or replaces the section of that name. */
export function withRows(sections: SectionDraft[], template: RowsTemplate): SectionDraft[] {
  const section = { name: template.section, rows: generateRows(sections, template) }
  const index = sections.findIndex((candidate) => candidate.name === template.section)
  return index < 0 ? [...sections, section] : sections.map((candidate, i) => (i === index ? section : candidate))
}

export function countSeats(sections: SectionDraft[]) {
  const seats = sections.flatMap((section) => section.rows.flatMap((row) => row.seats))
  return { total: seats.length, unavailable: seats.filter((seat) => !seat.sellable).length, accessible: seats.filter((seat) => seat.accessible).length }
}
