import hash from '@adonisjs/core/services/hash'
import { invalid } from '#core/app_error'
import Visitor from '#identity/models/visitor'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** Visitor accounts of one venue (WeChat OAuth identities attach to them later). */
export default class VisitorAccounts {
  static async register(tenant: Tenant, input: { email: string; phone?: string; displayName?: string; password: string }) {
    const password = await hash.make(input.password)
    return runInTenant(tenant, async (trx) => {
      const taken = await Visitor.query({ client: trx })
        .whereRaw('lower(email) = ?', [input.email])
        .if(input.phone, (q) => q.orWhere('phone', input.phone!))
        .first()
      if (taken) {
        throw taken.email?.toLowerCase() === input.email
          ? invalid('email', 'An account with this email already exists here', 'E_EMAIL_TAKEN')
          : invalid('phone', 'An account with this phone number already exists here', 'E_PHONE_TAKEN')
      }
      const visitor = await Visitor.create(
        { email: input.email, phone: input.phone ?? null, displayName: input.displayName ?? null, password, status: 'active' },
        { client: trx }
      )
      await auditLog.tenant(trx, { action: 'visitor.registered', subjectType: 'visitor', subjectId: visitor.id, after: visitor.serialize(), actor: { type: 'visitor', id: visitor.id, label: visitor.email } })
      return visitor
    })
  }
}
