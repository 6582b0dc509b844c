/* The catalog as the console API returns it (products, sites, zones, sessions, quotas). */
import { api, apiGet } from './session'
import type { PassRules } from './components/members/pass_rules'

export interface Site {
  id: number
  name: string
  address: string | null
  timezone: string
}

export interface Zone {
  id: number
  siteId: number
  name: string
  kind: string
}

export interface RefundTier {
  hoursBefore: number
  feePercent: number
}

export interface Product {
  id: number
  siteId: number
  zoneId: number | null
  name: string
  kind: string
  description: string | null
  images: string[]
  basePrice: number
  status: 'draft' | 'on_sale' | 'off_sale'
  seating: 'general' | 'reserved'
  validity: 'session' | 'open_date'
  saleStartsAt: string | null
  saleEndsAt: string | null
  minPerOrder: number
  maxPerOrder: number
  partyMin: number | null
  partyMax: number | null
  realNameRequired: boolean
  /** Sold only with a voucher code that unlocks it; never listed to visitors. */
  requiresVoucher: boolean
  idLimitScope: 'none' | 'session' | 'day'
  refundable: boolean
  changeable: boolean
  refundTiers: RefundTier[]
  parts: { productId: number; quantity: number }[]
  /** 年卡: an annual pass's rules (kind 'annual_pass'), else null. */
  passRules?: PassRules | null
}

export interface Session {
  id: number
  siteId: number
  zoneId: number | null
  kind: 'performance' | 'slot' | 'open_date'
  name: string | null
  startsAt: string
  endsAt: string
  status: 'open' | 'closed' | 'cancelled'
}

export interface Quota {
  id: number
  sessionId: number
  name: string
  capacity: number
  held: number
  sold: number
  productIds: number[]
}

export const listSites = async () => (await api<{ sites: Site[] }>('GET', '/sites')).sites
export const listZones = async (siteId: number) => (await api<{ zones: Zone[] }>('GET', `/sites/${siteId}/zones`)).zones
export const listProducts = async (query: { siteId?: number; status?: string } = {}) => (await apiGet<{ products: Product[] }>('/products', query)).products
export const listSessions = async (siteId: number, from: string, to: string, productId?: number | null) =>
  (await apiGet<{ sessions: Session[] }>('/sessions', { siteId, from, to, productId })).sessions
export const listQuotas = async (sessionId: number) => (await api<{ quotas: Quota[] }>('GET', `/sessions/${sessionId}/quotas`)).quotas
