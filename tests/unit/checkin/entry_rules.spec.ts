import { test } from '@japa/runner'
import { decideEntry, type TicketForEntry } from '#checkin/services/entry_rules'

// A 10:00–11:00 slot on 2026-12-01, Beijing time (02:00–03:00 UTC).
const at = (hhmm: string, day = '2026-12-01') => new Date(`${day}T${hhmm}:00+08:00`)
const ticket = (overrides: Partial<TicketForEntry> = {}): TicketForEntry => ({
  status: 'valid',
  siteId: 1,
  partySize: 1,
  admitted: 0,
  entriesUsed: 0,
  inside: false,
  lastEntryAt: null,
  entriesPerTicket: 1,
  reentry: false,
  sessionKind: 'slot',
  startsAt: at('10:00'),
  endsAt: at('11:00'),
  opensBefore: 30,
  closesAfter: 15,
  timezone: 'Asia/Shanghai',
  ...overrides,
})
const entry = (time: Date, extra: { people?: number; siteId?: number } = {}) => ({ direction: 'entry' as const, siteId: 1, at: time, ...extra })

test.group('Entry rules (核销规则)', () => {
  test('the entry window: not yet open, open, closed, wrong day', ({ assert }) => {
    assert.equal(decideEntry(ticket(), entry(at('09:29'))).result, 'not_yet_open')
    assert.equal(decideEntry(ticket(), entry(at('09:30'))).result, 'admitted')
    assert.equal(decideEntry(ticket(), entry(at('11:15'))).result, 'admitted')
    assert.equal(decideEntry(ticket(), entry(at('11:16'))).result, 'closed')
    assert.equal(decideEntry(ticket(), entry(at('10:30', '2026-12-02'))).result, 'wrong_day')
    assert.equal(decideEntry(ticket(), entry(at('10:30', '2026-11-30'))).result, 'wrong_day')
    // A performance closes at its start plus the grace, not at its end.
    assert.equal(decideEntry(ticket({ sessionKind: 'performance' }), entry(at('10:20'))).result, 'closed')
  })

  test('only a valid ticket at its own site admits', ({ assert }) => {
    for (const [status, result] of [['refunded', 'refunded'], ['refunding', 'refunded'], ['changed', 'changed'], ['reserved', 'not_valid'], ['void', 'not_valid']]) {
      assert.equal(decideEntry(ticket({ status }), entry(at('10:10'))).result, result)
    }
    assert.equal(decideEntry(ticket(), entry(at('10:10'), { siteId: 2 })).result, 'wrong_venue')
  })

  test('entries are counted: single, several, unlimited', ({ assert }) => {
    const once = decideEntry(ticket(), entry(at('10:10')))
    assert.deepInclude(once, { result: 'admitted', people: 1, entriesLeft: 0 })
    assert.equal(decideEntry(ticket({ ...once.next, status: 'used' }), entry(at('10:11'))).result, 'already_used')

    let state = ticket({ entriesPerTicket: 3 })
    for (const left of [2, 1, 0]) {
      const verdict = decideEntry(state, entry(at('10:20')))
      assert.deepInclude(verdict, { result: 'admitted', entriesLeft: left })
      state = { ...state, ...verdict.next, inside: false }
    }
    assert.equal(decideEntry(state, entry(at('10:30'))).result, 'already_used')

    let unlimited = ticket({ entriesPerTicket: null })
    for (let i = 0; i < 5; i++) unlimited = { ...unlimited, ...decideEntry(unlimited, entry(at('10:40'))).next }
    assert.equal(unlimited.entriesUsed, 5)
  })

  test('a group enters all at once or one by one, never more than its party', ({ assert }) => {
    const group = ticket({ partySize: 4 })
    const first = decideEntry(group, entry(at('10:05'), { people: 1 }))
    assert.deepInclude(first, { result: 'admitted', people: 1 })
    const rest = decideEntry({ ...group, ...first.next }, entry(at('10:06')))
    assert.deepInclude(rest, { result: 'admitted', people: 3 })
    assert.equal(decideEntry({ ...group, ...first.next }, entry(at('10:06'), { people: 4 })).result, 'party_exceeded')
    assert.equal(decideEntry({ ...group, ...rest.next }, entry(at('10:07'))).result, 'already_used')
    assert.deepInclude(decideEntry(group, entry(at('10:05'))), { result: 'admitted', people: 4 })
  })

  test('exit, then re-entry the same day when the product allows it', ({ assert }) => {
    assert.equal(decideEntry(ticket(), { ...entry(at('10:05')), direction: 'exit' }).result, 'not_inside')
    const inside = { ...ticket({ reentry: true }), ...decideEntry(ticket({ reentry: true }), entry(at('10:05'))).next }
    const out = decideEntry(inside, { ...entry(at('10:30')), direction: 'exit' })
    assert.equal(out.result, 'exited')
    const back = decideEntry({ ...inside, ...out.next }, entry(at('10:50')))
    assert.deepInclude(back, { result: 'admitted', reentry: true })
    assert.equal(back.next.entriesUsed, 1)
    // Without re-entry, leaving ends the visit.
    const plain = { ...ticket(), ...decideEntry(ticket(), entry(at('10:05'))).next }
    const left = { ...plain, ...decideEntry(plain, { ...entry(at('10:30')), direction: 'exit' }).next }
    assert.equal(decideEntry(left, entry(at('10:50'))).result, 'already_used')
  })
})
