/*
 * Writes audit records: who (the authenticated account, or the given actor), what, when, from
 * which IP, before/after with secrets and personal numbers masked. Tenant records go into the
 * tenant's schema within the caller's transaction (they commit or vanish with the change they
 * describe); platform records go into public.platform_audit_logs.
 */
import { randomUUID } from 'node:crypto'
import { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { appendToChain } from '#identity/audit/audit_chain'
import { maskSensitive } from '#identity/audit/masking'
import type { TenantTransaction } from '#tenancy/services/tenant_database'

export type ActorType = 'platform' | 'staff' | 'visitor' | 'system' | 'device' | 'distributor' | 'anonymous'

export interface Actor {
  type: ActorType
  id?: string | number | null
  label?: string | null
}

export interface AuditEntry {
  action: string
  subjectType?: string
  subjectId?: string | number | null
  before?: unknown
  after?: unknown
  outcome?: 'success' | 'denied' | 'failure'
  meta?: Record<string, unknown>
  actor?: Actor
}

const GUARD_ACTOR: Record<string, ActorType> = { platform: 'platform', staff: 'staff', staff_api: 'staff', visitor: 'visitor' }

/** The actor of the current request: its authenticated account, else anonymous (or system outside HTTP). */
export function currentActor(ctx = HttpContext.get()): Actor {
  if (!ctx) return { type: 'system', label: 'system' }
  const guard = ctx.auth?.authenticatedViaGuard
  const user = guard ? (ctx.auth.use(guard as any).user as { id: number; email?: string | null } | undefined) : undefined
  if (guard && user) return { type: GUARD_ACTOR[guard] ?? 'anonymous', id: user.id, label: user.email ?? null }
  return { type: 'anonymous' }
}

function row(entry: AuditEntry) {
  const ctx = HttpContext.get()
  const actor = entry.actor ?? currentActor(ctx)
  return {
    occurred_at: new Date(),
    actor_type: actor.type,
    actor_id: actor.id === undefined || actor.id === null ? null : String(actor.id),
    actor_label: actor.label ?? null,
    action: entry.action,
    outcome: entry.outcome ?? 'success',
    subject_type: entry.subjectType ?? null,
    subject_id: entry.subjectId === undefined || entry.subjectId === null ? null : String(entry.subjectId),
    ip: ctx?.request.ip() ?? null,
    user_agent: ctx?.request.header('user-agent')?.slice(0, 300) ?? null,
    request_id: ctx?.request.id() ?? randomUUID(),
    before: maskSensitive(entry.before ?? null),
    after: maskSensitive(entry.after ?? null),
    meta: entry.meta ? maskSensitive(entry.meta) : null,
  }
}

export const auditLog = {
  /** Records a tenant-level event inside the tenant transaction making the change. */
  tenant(trx: TenantTransaction, entry: AuditEntry) {
    return appendToChain(trx, 'audit_logs', `audit:${trx.tenantSchema}`, row(entry))
  },

  /** Records a platform-level event; in `client`'s transaction if given, else in its own. */
  async platform(entry: AuditEntry & { tenantId?: number | null }, client?: QueryClientContract) {
    const values = { ...row(entry), tenant_id: entry.tenantId ?? null }
    if (client?.isTransaction) return appendToChain(client, 'public.platform_audit_logs', 'audit:public', values)
    return db.transaction((trx) => appendToChain(trx, 'public.platform_audit_logs', 'audit:public', values))
  },
}
