/* The platform API's shapes, as these screens use them. */
import type { AuditRecord } from '../shared/audit'

export interface Plan {
  id: number
  name: string
  description: string | null
  maxSites: number | null
  maxStaff: number | null
  maxMonthlyOrders: number | null
  commissionBp: number
  active: boolean
  tenantCount?: number
}

export interface TenantSales {
  monthPaid: number
  monthOrders: number
  last30Paid: number
  last30Orders: number
}

export interface TenantRow {
  id: number
  slug: string
  name: string
  venueType: string
  status: 'pending' | 'active' | 'suspended'
  contactName: string
  contactPhone: string
  email: string
  approvedAt: string | null
  suspendedAt: string | null
  suspensionReason: string | null
  createdAt: string
  urls: { visitor: string; console: string }
  plan: { id: number; name: string; commissionBp: number } | null
  sales: TenantSales
  salesError?: string
}

export interface AuditEntry extends AuditRecord {
  tenantId: number | null
  meta: Record<string, unknown> | null
}
