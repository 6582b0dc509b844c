/* The platform API's shapes, as these screens use them. */
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

export interface AuditEntry {
  id: number
  occurredAt: string
  actorType: string
  actorId: string | null
  actorLabel: string | null
  action: string
  outcome: string
  subjectType: string | null
  subjectId: string | null
  tenantId: number | null
  ip: string | null
  before: unknown
  after: unknown
  meta: Record<string, unknown> | null
}
