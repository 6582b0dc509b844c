import { test } from '@japa/runner'
import { RefundPolicy } from '#orders/services/refund_policy'

const HOUR = 3_600_000
const now = new Date('2026-12-01T02:00:00Z')
const at = (hours: number) => new Date(now.getTime() + hours * HOUR)
const tiers = [
  { hoursBefore: 72, feePercent: 0 },
  { hoursBefore: 24, feePercent: 10 },
  { hoursBefore: 2, feePercent: 33.3 },
]

test.group('RefundPolicy', () => {
  test('the first tier whose deadline has not passed sets the fee', ({ assert }) => {
    const ticket = { price: 12345, refundable: true, tiers }
    assert.deepEqual(RefundPolicy.quote({ ...ticket, deadline: at(100) }, now), { allowed: true, fee: 0, amount: 12345 })
    assert.deepEqual(RefundPolicy.quote({ ...ticket, deadline: at(72) }, now), { allowed: true, fee: 0, amount: 12345 })
    assert.deepEqual(RefundPolicy.quote({ ...ticket, deadline: at(71.9) }, now), { allowed: true, fee: 1234, amount: 11111 })
    // 33.3% of 12345 fen is 4110.885: the fee is rounded down, in the visitor's favour.
    assert.deepEqual(RefundPolicy.quote({ ...ticket, deadline: at(3) }, now), { allowed: true, fee: 4110, amount: 8235 })
  })

  test('after the last deadline, at the start, or for a non-refundable product: no refund', ({ assert }) => {
    const ticket = { price: 8000, refundable: true, tiers }
    assert.deepEqual(RefundPolicy.quote({ ...ticket, deadline: at(1) }, now), { allowed: false, reason: 'Refunds close 2 hours before the start' })
    assert.isFalse(RefundPolicy.quote({ ...ticket, tiers: [], deadline: at(0) }, now).allowed)
    assert.isFalse(RefundPolicy.quote({ ...ticket, tiers: [], deadline: at(-5) }, now).allowed)
    assert.deepEqual(RefundPolicy.quote({ ...ticket, refundable: false, deadline: at(500) }, now), { allowed: false, reason: 'This ticket is not refundable' })
  })

  test('without tiers a refund is free until the start; a free ticket refunds nothing', ({ assert }) => {
    assert.deepEqual(RefundPolicy.quote({ price: 8000, refundable: true, tiers: [], deadline: at(0.1) }, now), { allowed: true, fee: 0, amount: 8000 })
    assert.deepEqual(RefundPolicy.quote({ price: 0, refundable: true, tiers, deadline: at(30) }, now), { allowed: true, fee: 0, amount: 0 })
  })
})
