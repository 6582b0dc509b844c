import { test } from '@japa/runner'
import { decidePassEntry, passState, renewalRefusal, renewedUntil, validityEnd, type PassForEntry, type TicketOfPass } from '#members/services/pass_rules'
import { passRules } from '#tests/helpers/passes'

const ZONE = 'Asia/Shanghai'
const at = (hhmm: string, day = '2026-03-01') => new Date(`${day}T${hhmm}:00+08:00`)

const pass = (overrides: Partial<PassForEntry> = {}): PassForEntry => ({
  status: 'active',
  activateBy: at('10:00', '2026-03-31'),
  activatedAt: at('09:00', '2026-02-01'),
  validUntil: at('00:00', '2027-02-01'),
  entriesAllowed: null,
  siteDays: {},
  rules: passRules(),
  timezone: ZONE,
  ...overrides,
})

const ticket = (overrides: Partial<TicketOfPass> = {}): TicketOfPass => ({ status: 'used', partySize: 1, admitted: 1, entriesUsed: 3, inside: false, lastEntryAt: null, reentry: false, ...overrides })
const entry = (time: Date, siteId = 1) => ({ direction: 'entry' as const, siteId, at: time })
const exit = (time: Date, siteId = 1) => ({ direction: 'exit' as const, siteId, at: time })

/** Applies an admitted verdict to the pass and its ticket, as the gate does. */
function after(state: { pass: PassForEntry; ticket: TicketOfPass }, verdict: ReturnType<typeof decidePassEntry>) {
  return { pass: { ...state.pass, ...verdict.pass }, ticket: { ...state.ticket, ...verdict.next, status: 'used' } }
}

test.group('Pass rules (年卡规则)', () => {
  test('validity counts the activation day as the first and ends at the start of the day after the last', ({ assert }) => {
    assert.equal(validityEnd(at('15:30', '2026-01-01'), { unit: 'days', length: 365 }, ZONE).toISOString(), at('00:00', '2027-01-01').toISOString())
    assert.equal(validityEnd(at('23:59', '2026-01-31'), { unit: 'months', length: 1 }, ZONE).toISOString(), at('00:00', '2026-02-28').toISOString())
    assert.equal(validityEnd(at('00:10', '2026-06-15'), { unit: 'months', length: 12 }, ZONE).toISOString(), at('00:00', '2027-06-15').toISOString())
  })

  test('a pending pass starts by itself when its activation window runs out', ({ assert }) => {
    const pending = pass({ status: 'pending_activation', activatedAt: null, validUntil: null, activateBy: at('10:00', '2026-03-31') })
    assert.deepInclude(passState(pending, pending.rules, ZONE, at('09:59', '2026-03-31')), { status: 'pending_activation', activatedAt: null, lapsed: false })
    const lapsed = passState(pending, pending.rules, ZONE, at('10:00', '2026-03-31'))
    assert.deepInclude(lapsed, { status: 'active', lapsed: true })
    assert.equal(lapsed.activatedAt!.toISOString(), at('10:00', '2026-03-31').toISOString())
    assert.equal(lapsed.validUntil!.toISOString(), at('00:00', '2027-03-31').toISOString())
    assert.equal(passState(pending, pending.rules, ZONE, at('00:00', '2027-03-31')).status, 'expired')
  })

  test('first entry activates a pending pass; a manual one is refused until activated', ({ assert }) => {
    const pending = pass({ status: 'pending_activation', activatedAt: null, validUntil: null })
    const first = decidePassEntry(pending, ticket({ status: 'valid', admitted: 0, entriesUsed: 0 }), entry(at('10:00')))
    assert.deepInclude(first, { result: 'admitted', activated: true, people: 1 })
    assert.equal(first.pass.status, 'active')
    assert.equal(first.pass.activatedAt!.toISOString(), at('10:00').toISOString())
    assert.equal(first.pass.validUntil!.toISOString(), at('00:00', '2027-03-01').toISOString())

    const manual = pass({ status: 'pending_activation', activatedAt: null, validUntil: null, rules: passRules({ activation: 'manual' }) })
    assert.equal(decidePassEntry(manual, ticket({ status: 'valid' }), entry(at('10:00'))).result, 'pass_not_active')
    // Its window ran out: it started by itself, and admits.
    assert.deepInclude(decidePassEntry(manual, ticket({ status: 'valid' }), entry(at('12:00', '2026-03-31'))), { result: 'admitted', activated: true })
  })

  test('one entry per site per day: refused again at the same site, admitted at another and the next day', ({ assert }) => {
    let state = { pass: pass(), ticket: ticket() }
    const gateA = decidePassEntry(state.pass, state.ticket, entry(at('09:00'), 1))
    assert.deepInclude(gateA, { result: 'admitted', activated: false })
    state = after(state, gateA)
    assert.deepEqual(state.pass.siteDays, { 1: '2026-03-01' })
    assert.equal(decidePassEntry(state.pass, { ...state.ticket, inside: false }, entry(at('15:00'), 1)).result, 'already_entered_today')
    const siteB = decidePassEntry(state.pass, state.ticket, entry(at('15:00'), 2))
    assert.equal(siteB.result, 'admitted')
    state = after(state, siteB)
    assert.equal(decidePassEntry(state.pass, { ...state.ticket, inside: false }, entry(at('08:00', '2026-03-02'), 1)).result, 'admitted')
    // Without the rule, the same site admits again the same day.
    const free = pass({ rules: passRules({ oncePerSitePerDay: false }), siteDays: { 1: '2026-03-01' } })
    assert.equal(decidePassEntry(free, ticket(), entry(at('16:00'), 1)).result, 'admitted')
  })

  test('re-entry after an exit is back into the site entered today, without another entry', ({ assert }) => {
    let state = { pass: pass({ entriesAllowed: 5 }), ticket: ticket({ reentry: true, entriesUsed: 0, admitted: 0, status: 'valid' }) }
    state = after(state, decidePassEntry(state.pass, state.ticket, entry(at('09:00'), 1)))
    const out = decidePassEntry(state.pass, state.ticket, exit(at('11:00'), 1))
    assert.equal(out.result, 'exited')
    state = { ...state, ticket: { ...state.ticket, ...out.next } }
    const back = decidePassEntry(state.pass, state.ticket, entry(at('12:00'), 1))
    assert.deepInclude(back, { result: 'admitted', reentry: true, entriesLeft: 4 })
    assert.equal(back.next.entriesUsed, 1)
  })

  test('blackout dates, expiry, suspension, revocation and sites refuse', ({ assert }) => {
    const holidays = pass({ rules: passRules({ blackoutDates: [{ from: '2026-10-01', to: '2026-10-07' }, { from: '2026-05-01', to: '2026-05-01' }] }) })
    assert.equal(decidePassEntry(holidays, ticket(), entry(at('10:00', '2026-10-01'))).result, 'blackout_date')
    assert.equal(decidePassEntry(holidays, ticket(), entry(at('23:59', '2026-10-07'))).result, 'blackout_date')
    assert.equal(decidePassEntry(holidays, ticket(), entry(at('00:00', '2026-10-08'))).result, 'admitted')
    assert.equal(decidePassEntry(holidays, ticket(), entry(at('10:00', '2026-05-01'))).result, 'blackout_date')

    assert.equal(decidePassEntry(pass(), ticket(), entry(at('23:59', '2027-01-31'))).result, 'admitted')
    assert.equal(decidePassEntry(pass(), ticket(), entry(at('00:00', '2027-02-01'))).result, 'pass_expired')
    assert.equal(decidePassEntry(pass({ status: 'suspended' }), ticket(), entry(at('10:00'))).result, 'pass_suspended')
    assert.equal(decidePassEntry(pass({ status: 'revoked' }), ticket(), entry(at('10:00'))).result, 'pass_revoked')
    assert.equal(decidePassEntry(pass({ rules: passRules({ siteIds: [2, 3] }) }), ticket(), entry(at('10:00'), 1)).result, 'wrong_venue')
    assert.equal(decidePassEntry(pass({ rules: passRules({ siteIds: [2, 3] }) }), ticket(), entry(at('10:00'), 3)).result, 'admitted')
    // The ticket's own state comes first: a refunded pass ticket says so.
    assert.equal(decidePassEntry(pass(), ticket({ status: 'refunded' }), entry(at('10:00'))).result, 'refunded')
    // An exit is let through whatever the pass says.
    assert.equal(decidePassEntry(pass({ status: 'revoked' }), ticket({ inside: true }), exit(at('10:00'))).result, 'exited')
  })

  test('N entries within validity, then refused', ({ assert }) => {
    let state = { pass: pass({ entriesAllowed: 2 }), ticket: ticket({ entriesUsed: 0, admitted: 0, status: 'valid' }) }
    for (const [day, left] of [['2026-03-01', 1], ['2026-03-02', 0]] as const) {
      const verdict = decidePassEntry(state.pass, state.ticket, entry(at('10:00', day)))
      assert.deepInclude(verdict, { result: 'admitted', entriesLeft: left })
      state = after(state, verdict)
      state.ticket.inside = false
    }
    assert.deepInclude(decidePassEntry(state.pass, state.ticket, entry(at('10:00', '2026-03-03'))), { result: 'no_entries_left', entriesLeft: 0 })
  })

  test('renewal: within its window only, extending from the later of now and the expiry', ({ assert }) => {
    const active = pass()
    assert.match(renewalRefusal(active, active.rules, ZONE, at('10:00', '2026-12-01'))!, /opens 30 days before/)
    assert.isNull(renewalRefusal(active, active.rules, ZONE, at('10:00', '2027-01-05')))
    assert.isNull(renewalRefusal(active, active.rules, ZONE, at('10:00', '2027-02-20')))
    assert.match(renewalRefusal(active, active.rules, ZONE, at('10:00', '2027-03-10'))!, /closed 30 days after/)
    assert.match(renewalRefusal(pass({ status: 'pending_activation', activatedAt: null, validUntil: null }), active.rules, ZONE, at('10:00'))!, /not activated/)
    assert.match(renewalRefusal(active, passRules({ renewal: null }), ZONE, at('10:00', '2027-01-05'))!, /cannot be renewed/)

    // Before expiry: one more year from the expiry. After it: from today.
    assert.equal(renewedUntil(active.validUntil!, active.rules, ZONE, at('10:00', '2027-01-05')).toISOString(), at('00:00', '2028-02-01').toISOString())
    assert.equal(renewedUntil(active.validUntil!, active.rules, ZONE, at('10:00', '2027-02-10')).toISOString(), at('00:00', '2028-02-10').toISOString())
  })
})
