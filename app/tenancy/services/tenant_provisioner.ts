/*
 * Creates a venue in one transaction: the tenant row, its schema, the schema's migrations, the
 * built-in roles and the owner account. PostgreSQL's DDL is transactional, so a failure at any
 * step leaves no schema and no tenant row behind.
 */
import { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import Tenant, { type TenantStatus, type VenueType } from '#tenancy/models/tenant'
import TenantMigrator from '#tenancy/services/tenant_migrator'
import { bindTransaction } from '#tenancy/services/tenant_database'
import StaffUser from '#identity/models/staff_user'
import authorization from '#identity/authz/authorization_service'
import { auditLog, type Actor } from '#identity/audit/audit_log'
import registry from '#tenancy/services/tenant_registry'

export interface VenueSignup {
  venueName: string
  venueType: VenueType
  slug: string
  contactName: string
  contactPhone: string
  email: string
  password: string
}

@inject()
export default class TenantProvisioner {
  constructor(private migrator: TenantMigrator) {}

  async provision(input: VenueSignup, options: { status: TenantStatus; actor?: Actor }) {
    const passwordHash = await hash.make(input.password)
    const result = await db.transaction(async (trx) => {
      const tenant = await Tenant.create(
        {
          slug: input.slug,
          name: input.venueName,
          venueType: input.venueType,
          status: options.status,
          contactName: input.contactName,
          contactPhone: input.contactPhone,
          email: input.email,
          approvedAt: options.status === 'active' ? DateTime.now() : null,
        },
        { client: trx }
      )
      await auditLog.platform(
        { action: 'tenant.created', subjectType: 'tenant', subjectId: tenant.id, tenantId: tenant.id, after: tenant.serialize(), actor: options.actor },
        trx
      )
      await trx.rawQuery(`create schema "${tenant.schemaName}"`)
      const tenantTrx = await bindTransaction(trx, tenant.schemaName)
      await this.migrator.migrate(tenantTrx)
      await authorization.seedTenant(tenantTrx, tenant.id)
      const owner = await StaffUser.create(
        { fullName: input.contactName, email: input.email, phone: input.contactPhone, password: passwordHash, status: 'active' },
        { client: tenantTrx }
      )
      await authorization.setStaffRoles(tenantTrx, tenant.id, owner.id, ['owner'])
      await auditLog.tenant(tenantTrx, {
        action: 'staff.created',
        subjectType: 'staff',
        subjectId: owner.id,
        after: { ...owner.serialize(), roles: ['owner'] },
        actor: options.actor,
      })
      return { tenant, owner }
    })
    registry.forget(result.tenant)
    return result
  }
}
