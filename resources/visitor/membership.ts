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
