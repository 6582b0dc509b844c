/*
 * The price calendar's decisions, from plain facts (no database). Dates are around China's
 * National Day 2025: Oct 1 (Wednesday) to Oct 8 are holidays, Sunday Sep 28 and Saturday Oct 11
 * are make-up workdays (调休).
 */
import { test } from '@japa/runner'
import { PriceCalendar, type CalendarDayTerms, type PriceRuleTerms } from '#catalog/services/price_calendar'

const BASE = 10000

const NATIONAL_DAY: CalendarDayTerms[] = [
  { day: '2025-09-28', kind: 'workday' },
  ...['01', '02', '03', '04', '05', '06', '07', '08'].map((day) => ({ day: `2025-10-${day}`, kind: 'holiday' as const })),
  { day: '2025-10-11', kind: 'workday' },
]

/** Rules get ids and creation times in the order they are made. */
function rules(...overrides: Partial<PriceRuleTerms>[]): PriceRuleTerms[] {
  return overrides.map((override, index) => ({
    id: index + 1,
    sessionId: null,
    dateFrom: null,
    dateTo: null,
    dayKind: 'any',
    price: 0,
    memberPrice: null,
    createdAt: Date.UTC(2025, 0, 1) + index * 1000,
    ...override,
  }))
}

function calendar(...overrides: Partial<PriceRuleTerms>[]) {
  return new PriceCalendar(BASE, rules(...overrides), NATIONAL_DAY)
}

test.group('Price calendar', () => {
  test('the base price applies when no rule does', ({ assert }) => {
    const prices = calendar({ dateFrom: '2025-12-01', dateTo: '2025-12-31', price: 8000 })
    assert.deepEqual(prices.quote('2025-11-30'), { price: BASE })
    assert.deepEqual(prices.quote('2025-11-30', { member: true }), { price: BASE, memberPrice: BASE })
  })

  test('a rule applies from its first to its last day, both included; an open end reaches any day', ({ assert }) => {
    const prices = calendar({ dateFrom: '2025-12-01', dateTo: '2025-12-31', price: 8000 }, { dateFrom: '2026-03-01', price: 9000 })
    assert.equal(prices.quote('2025-11-30').price, BASE)
    assert.deepEqual(prices.quote('2025-12-01'), { price: 8000, ruleId: 1 })
    assert.deepEqual(prices.quote('2025-12-31'), { price: 8000, ruleId: 1 })
    assert.equal(prices.quote('2026-01-01').price, BASE)
    assert.equal(prices.quote('2026-02-28').price, BASE)
    assert.equal(prices.quote('2099-06-01').price, 9000)
  })

  test('Saturday and Sunday are the weekend, Monday to Friday weekdays', ({ assert }) => {
    const prices = calendar({ dayKind: 'weekday', price: 8000 }, { dayKind: 'weekend', price: 15000 })
    assert.equal(prices.kindOf('2025-09-27'), 'weekend')
    assert.equal(prices.quote('2025-09-27').price, 15000)
    assert.equal(prices.quote('2025-10-12').price, 15000)
    assert.equal(prices.kindOf('2025-09-29'), 'weekday')
    assert.equal(prices.quote('2025-09-29').price, 8000)
    assert.equal(prices.quote('2025-10-10').price, 8000)
  })

  test('调休: a make-up workday on a weekend is a weekday', ({ assert }) => {
    const prices = calendar({ dayKind: 'weekday', price: 8000 }, { dayKind: 'weekend', price: 15000 })
    for (const date of ['2025-09-28', '2025-10-11']) {
      assert.equal(prices.kindOf(date), 'weekday', date)
      assert.deepEqual(prices.quote(date), { price: 8000, ruleId: 1 }, date)
    }
  })

  test('a holiday is a holiday whatever its weekday: on a Wednesday and on a Saturday', ({ assert }) => {
    const prices = calendar({ dayKind: 'weekday', price: 8000 }, { dayKind: 'weekend', price: 15000 }, { dayKind: 'holiday', price: 20000 })
    assert.equal(prices.kindOf('2025-10-01'), 'holiday')
    assert.deepEqual(prices.quote('2025-10-01'), { price: 20000, ruleId: 3 })
    assert.equal(prices.kindOf('2025-10-04'), 'holiday')
    assert.deepEqual(prices.quote('2025-10-04'), { price: 20000, ruleId: 3 })
  })

  test('on a holiday without a holiday rule, neither weekday nor weekend rules apply', ({ assert }) => {
    const prices = calendar({ dayKind: 'weekday', price: 8000 }, { dayKind: 'weekend', price: 15000 })
    assert.deepEqual(prices.quote('2025-10-01'), { price: BASE })
    assert.deepEqual(prices.quote('2025-10-04'), { price: BASE })
    const withAnyDay = calendar({ dayKind: 'weekend', price: 15000 }, { price: 11000 })
    assert.deepEqual(withAnyDay.quote('2025-10-04'), { price: 11000, ruleId: 2 })
  })

  test("a rule for the day's kind beats a rule for any day, even a narrower and newer one", ({ assert }) => {
    const prices = calendar(
      { dayKind: 'weekend', price: 15000 },
      { dayKind: 'any', dateFrom: '2025-09-27', dateTo: '2025-09-27', price: 9000 }
    )
    assert.deepEqual(prices.quote('2025-09-27'), { price: 15000, ruleId: 1 })
    const holidays = calendar({ dayKind: 'holiday', price: 20000 }, { dayKind: 'any', dateFrom: '2025-10-01', dateTo: '2025-10-01', price: 9000 })
    assert.deepEqual(holidays.quote('2025-10-01'), { price: 20000, ruleId: 1 })
  })

  test('among rules of the same standing, the narrowest date range wins, whatever their order', ({ assert }) => {
    const prices = calendar(
      { dateFrom: '2025-10-01', dateTo: '2025-10-07', price: 18000 },
      { dateFrom: '2025-10-01', dateTo: '2025-10-31', price: 14000 },
      { dateFrom: '2025-01-01', price: 11000 },
      { price: 10500 },
      { dateFrom: '2025-10-03', dateTo: '2025-10-03', price: 19000 }
    )
    assert.equal(prices.quote('2025-10-03').price, 19000)
    assert.equal(prices.quote('2025-10-02').price, 18000)
    assert.equal(prices.quote('2025-10-20').price, 14000)
    // An open end is as wide as no dates at all: the later of the two wins.
    assert.equal(prices.quote('2025-12-01').price, 10500)
    assert.equal(prices.quote('2024-12-01').price, 10500)
  })

  test('ties go to the rule created last', ({ assert }) => {
    const prices = calendar(
      { dayKind: 'weekend', dateFrom: '2025-09-01', dateTo: '2025-09-30', price: 15000, createdAt: 2000 },
      { dayKind: 'weekend', dateFrom: '2025-09-01', dateTo: '2025-09-30', price: 16000, createdAt: 3000 },
      { dayKind: 'weekend', dateFrom: '2025-09-01', dateTo: '2025-09-30', price: 14000, createdAt: 1000 }
    )
    assert.deepEqual(prices.quote('2025-09-27'), { price: 16000, ruleId: 2 })
    // Created in the same instant: the later id.
    const sameInstant = calendar({ price: 15000, createdAt: 1000 }, { price: 16000, createdAt: 1000 })
    assert.deepEqual(sameInstant.quote('2025-09-27'), { price: 16000, ruleId: 2 })
  })

  test("a rule for the session bought beats every date rule, and only applies at that session", ({ assert }) => {
    const prices = calendar(
      { dayKind: 'holiday', dateFrom: '2025-10-01', dateTo: '2025-10-01', price: 20000 },
      { sessionId: 7, price: 12000, createdAt: 0 },
      { sessionId: 8, dateFrom: '2025-10-02', price: 13000 }
    )
    assert.deepEqual(prices.quote('2025-10-01', { sessionId: 7 }), { price: 12000, ruleId: 2 })
    assert.deepEqual(prices.quote('2025-10-01', { sessionId: 9 }), { price: 20000, ruleId: 1 })
    assert.deepEqual(prices.quote('2025-10-01'), { price: 20000, ruleId: 1 })
    // A session rule's other conditions still hold: session 8's rule starts on Oct 2.
    assert.deepEqual(prices.quote('2025-10-01', { sessionId: 8 }), { price: 20000, ruleId: 1 })
    assert.deepEqual(prices.quote('2025-10-02', { sessionId: 8 }), { price: 13000, ruleId: 3 })
  })

  test("members pay the applying rule's member price, else its price", ({ assert }) => {
    const prices = calendar({ dayKind: 'weekend', price: 15000, memberPrice: 12000 }, { dayKind: 'weekday', price: 8000 })
    assert.deepEqual(prices.quote('2025-09-27', { member: true }), { price: 15000, memberPrice: 12000, ruleId: 1 })
    assert.deepEqual(prices.quote('2025-09-27', { member: false }), { price: 15000, ruleId: 1 })
    assert.deepEqual(prices.quote('2025-09-29', { member: true }), { price: 8000, memberPrice: 8000, ruleId: 2 })
    assert.deepEqual(prices.quote('2025-10-01', { member: true }), { price: BASE, memberPrice: BASE })
  })

  test('days() prices each day of a range as quote() does for a member', ({ assert }) => {
    const prices = calendar(
      { dayKind: 'weekday', price: 8000 },
      { dayKind: 'weekend', price: 15000, memberPrice: 13000 },
      { dayKind: 'holiday', price: 20000, memberPrice: 18000 },
      { sessionId: 7, price: 1 }
    )
    const days = prices.days('2025-09-26', '2025-10-12')
    assert.lengthOf(days, 17)
    for (const { date, price, memberPrice } of days) {
      assert.deepInclude(prices.quote(date, { member: true }), { price, memberPrice }, date)
    }
    assert.deepEqual(days.slice(0, 3), [
      { date: '2025-09-26', price: 8000, memberPrice: 8000 },
      { date: '2025-09-27', price: 15000, memberPrice: 13000 },
      { date: '2025-09-28', price: 8000, memberPrice: 8000 },
    ])
    assert.deepEqual(days[5], { date: '2025-10-01', price: 20000, memberPrice: 18000 })
  })

  test('days() covers a leap year of 366 days quickly, with many rules', ({ assert }) => {
    const many = Array.from({ length: 200 }, (_, index) => ({
      dateFrom: `2028-${String((index % 12) + 1).padStart(2, '0')}-01`,
      dateTo: `2028-${String((index % 12) + 1).padStart(2, '0')}-20`,
      dayKind: (['any', 'weekday', 'weekend', 'holiday'] as const)[index % 4],
      price: 5000 + index,
    }))
    const prices = calendar(...many)
    const started = performance.now()
    const days = prices.days('2028-01-01', '2028-12-31')
    assert.isBelow(performance.now() - started, 250)
    assert.lengthOf(days, 366)
    assert.equal(days[0].date, '2028-01-01')
    assert.equal(days[59].date, '2028-02-29')
    assert.equal(days[365].date, '2028-12-31')
  })
})
