/*
 * 退票规则: what a ticket gives back if refunded now. A product that is not refundable gives
 * nothing back (staff may override). Its tiers (梯次退票) run from the earliest deadline to the
 * latest: the first tier whose deadline (hoursBefore the start) has not passed sets the fee; once
 * the last deadline has passed, or the session has started, it cannot be refunded. With no tiers
 * the refund is free until the start. An open-date ticket counts to the end of its validity.
 * The fee is rounded down to the fen, in the visitor's favour.
 */
export interface RefundTier {
  hoursBefore: number
  feePercent: number
}

export interface RefundableTicket {
  price: number
  /** The start (or the end of an open-date validity) the deadlines count back from. */
  deadline: Date
  refundable: boolean
  tiers: RefundTier[]
}

export type RefundVerdict = { allowed: true; fee: number; amount: number } | { allowed: false; reason: string }

const HOUR_MS = 3_600_000

export const RefundPolicy = {
  quote(ticket: RefundableTicket, now = new Date()): RefundVerdict {
    if (!ticket.refundable) return { allowed: false, reason: 'This ticket is not refundable' }
    const hoursLeft = (ticket.deadline.getTime() - now.getTime()) / HOUR_MS
    if (hoursLeft <= 0) return { allowed: false, reason: 'The session has started: it can no longer be refunded' }
    if (!ticket.tiers.length) return { allowed: true, fee: 0, amount: ticket.price }
    const tier = ticket.tiers.find((candidate) => hoursLeft >= candidate.hoursBefore)
    if (!tier) {
      const last = ticket.tiers[ticket.tiers.length - 1]
      return { allowed: false, reason: `Refunds close ${last.hoursBefore} hours before the start` }
    }
    const fee = Math.floor((ticket.price * tier.feePercent) / 100)
    return { allowed: true, fee, amount: ticket.price - fee }
  },
}
