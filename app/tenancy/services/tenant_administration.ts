/*
 * What platform staff do to a venue: approve a pending sign-up, suspend (visitor pages closed,
 * console read-only), resume. Each change is audited in the platform log.
 */
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { AppError, notFound } from '#core/app_error'
import Tenant, { type TenantStatus } from '#tenancy/models/tenant'
import registry from '#tenancy/services/tenant_registry'
import { auditLog } from '#identity/audit/audit_log'

const TRANSITIONS: Record<string, { from: TenantStatus[]; to: TenantStatus }> = {
  approve: { from: ['pending'], to: 'active' },
  suspend: { from: ['active', 'pending'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'active' },
}

export default class TenantAdministration {
  static async change(tenantId: number, action: keyof typeof TRANSITIONS, reason?: string) {
    const transition = TRANSITIONS[action]
    const tenant = await db.transaction(async (trx) => {
      const found = await Tenant.query({ client: trx }).where('id', tenantId).forUpdate().first()
      if (!found) throw notFound('No such venue', 'E_TENANT_NOT_FOUND')
      if (!transition.from.includes(found.status)) {
        throw new AppError(`A ${found.status} venue cannot be ${action === 'approve' ? 'approved' : action + 'ed'}`, {
          status: 409,
          code: 'E_INVALID_TRANSITION',
        })
      }
      const before = { status: found.status, suspensionReason: found.suspensionReason }
      found.status = transition.to
      if (action === 'approve') found.approvedAt = DateTime.now()
      if (action === 'suspend') found.merge({ suspendedAt: DateTime.now(), suspensionReason: reason ?? null })
      if (action === 'resume') found.merge({ suspendedAt: null, suspensionReason: null })
      await found.save()
      await auditLog.platform(
        { action: `tenant.${action}`, subjectType: 'tenant', subjectId: found.id, tenantId: found.id, before, after: { status: found.status, suspensionReason: found.suspensionReason } },
        trx
      )
      return found
    })
    registry.forget(tenant)
    return tenant
  }
}
