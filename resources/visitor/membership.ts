/*
 * The member card (会员卡) as GET /api/membership gives it, and what points (积分) are worth at
 * checkout. There is no quote endpoint: the page works the discount out by the venue's rule
 * (docs/members.md) to show it, and the order's answer (its discountAmount) is what counts.
 */
import { api } from './http'

export interface Tier {
  id: number
  name: string
  description: string | null
  price: number
  free: boolean
  validityDays: number | null
  discountPercent: number
  earnPoints: number
  earnPerFen: number
  priorityHours: number
}

export interface RedeemRule {
  redeemPoints: number
  redeemFen: number
  redeemMaxPercent: number
}

export interface Movement {
  id: number
  reason: string
  delta: number
  balanceAfter: number
  order: string | null
  note: string | null
  at: string
}

export interface MemberCard {
  tiers: Tier[]
  membership: { tier: { id: number; name: string }; status: 'active' | 'expired' | 'cancelled'; joinedAt: string; expiresAt: string | null } | null
  points: { balance: number; redeem: RedeemRule; recent: Movement[] }
}

export const loadCard = () => api<MemberCard>('GET', '/membership')

/**
 * What `balance` points take off `payable` fen: worth redeemFen per redeemPoints, at most
 * redeemMaxPercent of the order; only the points that discount needs are used.
 */
export function pointsDiscount(balance: number, payable: number, rule: RedeemRule) {
  const discount = Math.min(Math.floor((balance * rule.redeemFen) / rule.redeemPoints), Math.floor((payable * rule.redeemMaxPercent) / 100))
  return { discount, points: discount > 0 ? Math.ceil((discount * rule.redeemPoints) / rule.redeemFen) : 0 }
}
