/*
 * A hall's seat map as the console sends it: sections of rows of seats. A row lists its seats,
 * or gives them compactly as a numbered range (`from`..`to`, `step` apart from `x0`, either
 * direction). Field rules are VineJS's; the rules across fields (unique names, one seat per
 * place, the seat limit) are planSeats', reported as 422 on the offending field's path.
 */
import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { invalid } from '#core/app_error'

export const MAX_SEATS = 5000

/** Drawing coordinates stay well inside the integer columns. */
const COORDINATE_LIMIT = 1_000_000

const label = () => vine.string().trim().minLength(1).maxLength(10)
const coordinate = (min: number) => vine.number().withoutDecimals().range([min, COORDINATE_LIMIT])

const seatSchema = vine.object({
  label: label(),
  x: coordinate(-COORDINATE_LIMIT),
  accessible: vine.boolean().optional(),
  sellable: vine.boolean().optional(),
})

const rowSchema = vine
  .object({
    label: label(),
    /** Distance from the stage, which is at y = 0. */
    y: coordinate(0),
  })
  .merge(
    vine.group([
      vine.group.if((row) => 'seats' in row, { seats: vine.array(seatSchema).minLength(1).maxLength(MAX_SEATS) }),
      vine.group.else({
        from: vine.number().withoutDecimals().range([0, 9999]),
        to: vine.number().withoutDecimals().range([0, 9999]),
        x0: coordinate(-COORDINATE_LIMIT),
        step: vine.number().withoutDecimals().range([1, 1000]),
        accessible: vine.array(label()).optional(),
        unsellable: vine.array(label()).optional(),
      }),
    ])
  )

export const seatMapValidator = vine.create({
  sections: vine.array(
    vine.object({
      name: vine.string().trim().minLength(1).maxLength(40),
      rows: vine.array(rowSchema).minLength(1),
    })
  ),
})

export type SeatMapInput = Infer<typeof seatMapValidator>
type RowInput = SeatMapInput['sections'][number]['rows'][number]

/** A seat to store, with the field it came from (for error paths). */
export interface PlannedSeat {
  section: string
  rowLabel: string
  seatLabel: string
  x: number
  y: number
  accessible: boolean
  sellable: boolean
  /** Where the seat's x is given: its own `x`, or its row's `x0`. */
  xField: string
}

/** The seats of a well-formed map; throws a 422 naming the first field that breaks a rule. */
export function planSeats(map: SeatMapInput): PlannedSeat[] {
  const seats: PlannedSeat[] = []
  const sectionNames = new Set<string>()
  const places = new Map<string, PlannedSeat>()

  map.sections.forEach((section, s) => {
    const sectionField = `sections.${s}`
    claim(sectionNames, section.name, `${sectionField}.name`, `Section "${section.name}" appears twice`)
    const rowLabels = new Set<string>()

    section.rows.forEach((row, r) => {
      const rowField = `${sectionField}.rows.${r}`
      claim(rowLabels, row.label, `${rowField}.label`, `Row "${row.label}" appears twice in section "${section.name}"`)
      const size = 'seats' in row ? row.seats.length : rangeSize(row)
      // Counted before a numbered range is expanded, so an oversized map is refused cheaply.
      if (seats.length + size > MAX_SEATS) {
        const limit = MAX_SEATS.toLocaleString('en-US')
        throw invalid(rowField, `A seat map has at most ${limit} seats; this row brings it to ${seats.length + size}`, 'E_TOO_MANY_SEATS')
      }

      for (const seat of seatsOfRow(row, rowField)) {
        const planned = { section: section.name, rowLabel: row.label, y: row.y, ...seat }
        const place = `${planned.x},${planned.y}`
        const other = places.get(place)
        if (other) {
          throw invalid(
            planned.xField,
            `${describe(planned)} is at the same place (x ${planned.x}, y ${planned.y}) as ${describe(other)}`,
            'E_SEAT_OVERLAP'
          )
        }
        places.set(place, planned)
        seats.push(planned)
      }
    })
  })
  return seats
}

const rangeSize = (row: { from: number; to: number }) => Math.abs(row.to - row.from) + 1

/** A row's seats, listed or expanded from its numbered range. */
function seatsOfRow(row: RowInput, rowField: string) {
  if ('seats' in row) {
    const labels = new Set<string>()
    return row.seats.map((seat, i) => {
      const seatField = `${rowField}.seats.${i}`
      claim(labels, seat.label, `${seatField}.label`, `Seat "${seat.label}" appears twice in row "${row.label}"`)
      return { seatLabel: seat.label, x: seat.x, accessible: seat.accessible ?? false, sellable: seat.sellable ?? true, xField: `${seatField}.x` }
    })
  }

  const direction = row.to >= row.from ? 1 : -1
  const numbers = Array.from({ length: rangeSize(row) }, (_, i) => row.from + i * direction)
  const lastX = row.x0 + (numbers.length - 1) * row.step
  if (lastX > COORDINATE_LIMIT) {
    throw invalid(`${rowField}.step`, `The row's last seat would be at x ${lastX}, beyond ${COORDINATE_LIMIT}`, 'E_OUT_OF_RANGE')
  }
  const labels = numbers.map(String)
  const accessible = knownLabels(row.accessible ?? [], labels, `${rowField}.accessible`)
  const unsellable = knownLabels(row.unsellable ?? [], labels, `${rowField}.unsellable`)
  return labels.map((seatLabel, i) => ({
    seatLabel,
    x: row.x0 + i * row.step,
    accessible: accessible.has(seatLabel),
    sellable: !unsellable.has(seatLabel),
    xField: `${rowField}.x0`,
  }))
}

/** Labels picked out of a numbered row; each must be one of its seats. */
function knownLabels(picked: string[], labels: string[], field: string): Set<string> {
  const known = new Set(labels)
  picked.forEach((pickedLabel, i) => {
    if (!known.has(pickedLabel)) {
      throw invalid(`${field}.${i}`, `The row has no seat "${pickedLabel}" (its seats are ${labels[0]} to ${labels[labels.length - 1]})`, 'E_UNKNOWN_SEAT')
    }
  })
  return new Set(picked)
}

const describe = (seat: PlannedSeat) => `${seat.section} row ${seat.rowLabel} seat ${seat.seatLabel}`

/** Adds `name` to `taken`, or refuses the second use of a name. */
function claim(taken: Set<string>, name: string, field: string, message: string) {
  if (taken.has(name)) throw invalid(field, message, 'E_DUPLICATE_LABEL')
  taken.add(name)
}
