import { test } from '@japa/runner'
import { bestAvailable, type CandidateSeat } from '#inventory/services/best_available'

type TestSeat = CandidateSeat & { label: string }

const PITCH = 10

/**
 * A hall drawn from one string per row, front row first: `o` available, `x` taken, `a` an
 * available accessible seat, `.` no seat (an aisle or a missing seat). Seats are numbered from 1
 * at x = 0, one pitch apart; rows are A, B, C… at y = 10, 20, 30…
 */
function hall(...rows: string[]): TestSeat[] {
  return rows.flatMap((pattern, r) => {
    const row = String.fromCharCode(65 + r)
    return [...pattern].flatMap((mark, i) =>
      mark === '.'
        ? []
        : [{ section: 'Stalls', row, label: `${row}${i + 1}`, x: i * PITCH, y: (r + 1) * 10, available: mark !== 'x', accessible: mark === 'a' }]
    )
  })
}

const labels = (seats: TestSeat[] | null) => seats?.map((seat) => seat.label) ?? null

test.group('Best available seats', () => {
  test('an empty hall has nothing to offer, a free one gives the centre of the front row', ({ assert }) => {
    assert.isNull(bestAvailable([], 1))
    assert.deepEqual(labels(bestAvailable(hall('oooooooooo', 'oooooooooo'), 2)), ['A5', 'A6'])
    assert.deepEqual(labels(bestAvailable(hall('oooooooooo', 'oooooooooo'), 3)), ['A4', 'A5', 'A6'])
  })

  test('stays in the row nearest the stage, as close to its centre as the free seats allow', ({ assert }) => {
    // Front row: 4-6 taken. 7-8 are nearer the centre (x 45) than 2-3; row B's centre loses to row A.
    assert.deepEqual(labels(bestAvailable(hall('oooxxxoooo', 'oooooooooo'), 2)), ['A7', 'A8'])
  })

  test('never puts a taken or missing seat inside a block', ({ assert }) => {
    // Row A alternates free and taken seats: no pair there.
    assert.deepEqual(labels(bestAvailable(hall('oxoxoxoxox', 'oooooooooo'), 2)), ['B5', 'B6'])
    // Row A has an aisle after seat 3: four side by side only in row B.
    assert.deepEqual(labels(bestAvailable(hall('ooo.ooo', 'ooooooo'), 4)), ['B2', 'B3', 'B4', 'B5'])
    // Three fit on either side of the aisle, equally central: the left block wins the tie.
    assert.deepEqual(labels(bestAvailable(hall('ooo.ooo', 'ooooooo'), 3)), ['A1', 'A2', 'A3'])
  })

  test('splits a party over the fewest rows when no row seats it together, front rows first', ({ assert }) => {
    const seats = hall('ooxxxx', 'xxxooo', 'ooooxx')
    assert.deepEqual(labels(bestAvailable(seats, 5)), ['A1', 'A2', 'B4', 'B5', 'B6'])
    // Six still fit in two rows when the front one gives its two: A and C (B's three would leave three).
    assert.deepEqual(labels(bestAvailable(seats, 6)), ['A1', 'A2', 'C1', 'C2', 'C3', 'C4'])
    // Seven fit in two rows only as B and C.
    assert.deepEqual(labels(bestAvailable(seats, 7)), ['B4', 'B5', 'B6', 'C1', 'C2', 'C3', 'C4'])
    // Eight take all three rows, front rows giving what they can, the rest central in row C.
    assert.deepEqual(labels(bestAvailable(seats, 8)), ['A1', 'A2', 'B4', 'B5', 'B6', 'C2', 'C3', 'C4'])
  })

  test('uses separate blocks of one row only when the hall is too fragmented for one per row', ({ assert }) => {
    // Single free seats only: the three nearest the row's centre (x 40).
    assert.deepEqual(labels(bestAvailable(hall('oxoxoxoxo'), 3)), ['A3', 'A5', 'A7'])
  })

  test('returns null when fewer seats are free than asked for', ({ assert }) => {
    assert.isNull(bestAvailable(hall('oxoxo', 'xxxxx'), 4))
    assert.throws(() => bestAvailable(hall('ooo'), 0), /positive integer/)
  })

  test('prefers accessible seats when asked, before nearness to the stage', ({ assert }) => {
    const seats = hall('oooooooooo', 'oooooooooo', 'aaoooooooo')
    assert.deepEqual(labels(bestAvailable(seats, 2)), ['A5', 'A6'])
    assert.deepEqual(labels(bestAvailable(seats, 2, { accessible: true })), ['C1', 'C2'])
    // A party of three with one accessible seat to spare still sits together, at the accessible seats.
    assert.deepEqual(labels(bestAvailable(seats, 3, { accessible: true })), ['C1', 'C2', 'C3'])
  })

  test('answers for a 3,000-seat hall, busy or fragmented', ({ assert }) => {
    // 60 rows of 50 seats, about 60 % taken in a fixed pseudo-random pattern. Measured at a few
    // milliseconds per call (well under 50 ms); not asserted, so a slow machine cannot flake it.
    let state = 7
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647
    const rows = Array.from({ length: 60 }, () => Array.from({ length: 50 }, () => (random() < 0.6 ? 'x' : 'o')).join(''))
    const seats = hall(...rows)
    assert.lengthOf(seats, 3000)

    const four = bestAvailable(seats, 4)!
    assert.lengthOf(four, 4)
    assert.lengthOf(new Set(four.map((seat) => seat.row)), 1)
    const twenty = bestAvailable(seats, 20)!
    assert.lengthOf(twenty, 20)
    assert.isTrue(twenty.every((seat) => seat.available))
  })
})
