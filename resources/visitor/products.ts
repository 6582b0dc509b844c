/* The catalogue as the visitor API gives it (GET /api/products, /api/products/:id). */
import type { RefundTier } from './rules'

export type Badge = 'sold_out' | 'few_left' | 'free'

export interface Product {
  id: number
  name: string
  kind: string
  description: string | null
  images: string[]
  coverUrl: string | null
  seating: 'general' | 'reserved'
  validity: 'session' | 'open_date'
  realNameRequired: boolean
  minPerOrder: number
  maxPerOrder: number
  partyMin: number | null
  partyMax: number | null
  refundable: boolean
  changeable: boolean
  refundTiers: RefundTier[]
  siteName: string | null
  fromPrice: number | null
  badges: Badge[]
  site?: { id: number; name: string; address?: string | null } | null
}
