/*
 * Best available (最佳座位): `count` seats side by side in one row, as near the stage (y = 0) and
 * as central in their row as the hall allows; when no row can seat the party together, the
 * fewest rows that can, one side-by-side block per row (several per row only when the hall is too
 * fragmented for that). Pure: it ranks the seats it is given, so the caller reads them (and holds
 * them) in its own transaction.
 */

export interface CandidateSeat {
  section: string
  row: string
  x: number
  y: number
  available: boolean
  accessible: boolean
}

export interface BestAvailableOptions {
  /** Prefer the block with the most accessible seats, before nearness to the stage. */
  accessible?: boolean
}

/**
 * Seats further apart than this many times the row's usual spacing have a missing seat (or an
 * aisle) between them, so they are not side by side.
 */
const GAP_FACTOR = 1.5

interface Row<T> {
  order: number
  y: number
  centre: number
  /** Runs of available seats with no unavailable or missing seat between them, by x. */
  runs: T[][]
  longestRun: number
}

interface Block<T> {
  row: Row<T>
  run: T[]
  start: number
  size: number
  accessibleCount: number
  /** Distance of the block's centre from its row's centre. */
  offset: number
}

const seatsOf = <T>(block: Block<T>) => block.run.slice(block.start, block.start + block.size)

/**
 * Returns `count` available seats (the given objects, row by row from the stage, each row by x),
 * or null when fewer than `count` seats are available at all.
 */
export function bestAvailable<T extends CandidateSeat>(
  seats: readonly T[],
  count: number,
  options: BestAvailableOptions = {}
): T[] | null {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`)
  if (seats.reduce((n, seat) => n + (seat.available ? 1 : 0), 0) < count) return null

  const preferAccessible = options.accessible === true
  const rows = rowsOf(seats)
  let together: Block<T> | null = null
  for (const row of rows) {
    const block = bestBlockInRow(row, count, preferAccessible)
    if (block && (!together || compareBlocks(block, together, preferAccessible) < 0)) together = block
  }
  if (together) return seatsOf(together)
  if (rows.reduce((n, row) => n + row.longestRun, 0) >= count) return splitAcrossRows(rows, count, preferAccessible)
  // Rows too broken up to give one block each: then each run counts as a row of its own, the
  // runs of a row taken from its centre outwards.
  const offset = (row: Row<T>, run: T[]) => Math.abs((run[0].x + run[run.length - 1].x) / 2 - row.centre)
  const runsAsRows = rows.flatMap((row) =>
    [...row.runs].sort((a, b) => offset(row, a) - offset(row, b)).map((run) => ({ ...row, runs: [run], longestRun: run.length }))
  )
  return splitAcrossRows(runsAsRows, count, preferAccessible)
}

/** The seats grouped by section and row, rows ordered from the stage back. */
function rowsOf<T extends CandidateSeat>(seats: readonly T[]): Row<T>[] {
  const grouped = new Map<string, { section: string; label: string; seats: T[] }>()
  for (const seat of seats) {
    const key = JSON.stringify([seat.section, seat.row])
    const group = grouped.get(key) ?? { section: seat.section, label: seat.row, seats: [] }
    group.seats.push(seat)
    grouped.set(key, group)
  }

  const rows = [...grouped.values()].map((group) => {
    const sorted = group.seats.sort((a, b) => a.x - b.x)
    const runs = runsOf(sorted)
    return {
      section: group.section,
      label: group.label,
      y: Math.min(...sorted.map((seat) => seat.y)),
      centre: (sorted[0].x + sorted[sorted.length - 1].x) / 2,
      runs,
      longestRun: Math.max(0, ...runs.map((run) => run.length)),
    }
  })
  rows.sort((a, b) => a.y - b.y || compareText(a.section, b.section) || compareText(a.label, b.label))
  return rows.map(({ y, centre, runs, longestRun }, order) => ({ order, y, centre, runs, longestRun }))
}

/** Splits a row (sorted by x) into runs of available seats that sit next to each other. */
function runsOf<T extends CandidateSeat>(sorted: T[]): T[][] {
  const spacings = sorted.slice(1).map((seat, i) => seat.x - sorted[i].x)
  const pitch = median(spacings)
  const runs: T[][] = []
  let run: T[] = []
  sorted.forEach((seat, i) => {
    const adjacent = i > 0 && spacings[i - 1] <= pitch * GAP_FACTOR
    if (!adjacent || !seat.available) {
      if (run.length) runs.push(run)
      run = []
    }
    if (seat.available) run.push(seat)
  })
  if (run.length) runs.push(run)
  return runs
}

function median(values: number[]): number {
  if (!values.length) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** The best block of `size` side-by-side seats in a row, or null if no run is long enough. */
function bestBlockInRow<T extends CandidateSeat>(row: Row<T>, size: number, preferAccessible: boolean): Block<T> | null {
  let best: Block<T> | null = null
  for (const run of row.runs) {
    if (run.length < size) continue
    // Slide a window over the run, keeping a running count of its accessible seats.
    let accessibleCount = run.slice(0, size).filter((seat) => seat.accessible).length
    for (let start = 0; start + size <= run.length; start++) {
      if (start > 0) accessibleCount += Number(run[start + size - 1].accessible) - Number(run[start - 1].accessible)
      const offset = Math.abs((run[start].x + run[start + size - 1].x) / 2 - row.centre)
      const block = { row, run, start, size, accessibleCount, offset }
      if (!best || compareBlocks(block, best, preferAccessible) < 0) best = block
    }
  }
  return best
}

/** Negative when `a` is the better block: accessible (if asked), nearer the stage, more central. */
function compareBlocks<T extends CandidateSeat>(a: Block<T>, b: Block<T>, preferAccessible: boolean): number {
  return (
    (preferAccessible ? b.accessibleCount - a.accessibleCount : 0) ||
    a.row.y - b.row.y ||
    a.offset - b.offset ||
    a.row.order - b.row.order ||
    a.run[a.start].x - b.run[b.start].x
  )
}

/**
 * The party over the fewest rows: rows are taken from the stage back, each giving as many seats
 * as its longest run allows, skipping a row only when taking it would need more rows in total.
 */
function splitAcrossRows<T extends CandidateSeat>(rows: Row<T>[], count: number, preferAccessible: boolean): T[] {
  const fewest = fewestRows(rows.map((row) => row.longestRun), count)

  // mostSeats[i][s]: the most seats any s rows from row i onwards can give side by side.
  const mostSeats: number[][] = Array.from({ length: rows.length + 1 }, () => [0])
  const longestFromHere: number[] = []
  for (let i = rows.length - 1; i >= 0; i--) {
    longestFromHere.push(rows[i].longestRun)
    longestFromHere.sort((a, b) => b - a).splice(fewest)
    let sum = 0
    mostSeats[i] = [0, ...longestFromHere.map((length) => (sum += length))]
  }
  const canSeat = (from: number, slots: number, need: number) => {
    const sums = mostSeats[from]
    return sums[Math.min(slots, sums.length - 1)] >= need
  }

  const chosen: Block<T>[] = []
  let need = count
  let slots = fewest
  for (let i = 0; i < rows.length && need > 0; i++) {
    const take = Math.min(rows[i].longestRun, need)
    if (take === 0 || !canSeat(i + 1, slots - 1, need - take)) continue
    chosen.push(bestBlockInRow(rows[i], take, preferAccessible)!)
    need -= take
    slots -= 1
  }
  return chosen.sort((a, b) => a.row.order - b.row.order || a.run[a.start].x - b.run[b.start].x).flatMap(seatsOf)
}

/** How few rows can seat `count`: the rows with the longest runs, longest first. */
function fewestRows(longestRuns: number[], count: number): number {
  const sorted = [...longestRuns].sort((a, b) => b - a)
  let seated = 0
  let rows = 0
  while (seated < count) seated += sorted[rows++]
  return rows
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
