/*
 * "View as" (只读查看): a superadmin looks at a venue's console data without an account there and
 * without being able to change anything.
 *
 * The platform issues a grant: the venue, the platform user and an id, encrypted and authenticated
 * with the app key (AES-256-GCM, purpose "view_as"), valid for GRANT_MINUTES. Sent as the
 * `X-View-As` header on console API requests of that venue, it stands in for a staff session as a
 * synthetic read-only viewer: GET requests pass every `*:read` permission; anything else is
 * refused (403 E_VIEW_AS_READ_ONLY) before it reaches a controller. A grant names one venue: at
 * another it is refused. Issuing is audited in the platform log and in the venue's own log, under
 * the same grant id.
 */
import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import type { HttpContext } from '@adonisjs/core/http'
import { AppError, notFound } from '#core/app_error'
import Tenant from '#tenancy/models/tenant'
import { runInTenant } from '#tenancy/services/tenant_database'
import { auditLog } from '#identity/audit/audit_log'
import { venueUrls } from '#tenancy/services/venue_urls'
import type PlatformUser from '#identity/models/platform_user'

export const VIEW_AS_HEADER = 'x-view-as'
const PURPOSE = 'view_as'
const GRANT_MINUTES = 15

export interface ViewAsGrant {
  grantId: string
  tenantId: number
  platformUserId: number
  label: string
  expiresAt: string
}

const SAFE_METHODS = new Set(['GET', 'HEAD'])

export const viewAs = {
  /** Issues a grant to `user` for the venue, audited in both logs. */
  async grant(user: PlatformUser, tenantId: number) {
    const tenant = await Tenant.find(tenantId)
    if (!tenant) throw notFound('No such venue', 'E_TENANT_NOT_FOUND')
    const grant: ViewAsGrant = {
      grantId: randomUUID(),
      tenantId: tenant.id,
      platformUserId: user.id,
      label: user.email ?? `platform:${user.id}`,
      expiresAt: DateTime.now().plus({ minutes: GRANT_MINUTES }).toISO()!,
    }
    const meta = { grantId: grant.grantId, expiresAt: grant.expiresAt }
    await auditLog.platform({ action: 'tenant.view_as', subjectType: 'tenant', subjectId: tenant.id, tenantId: tenant.id, meta })
    await runInTenant(tenant, (trx) =>
      auditLog.tenant(trx, {
        action: 'platform.view_as',
        subjectType: 'platform_user',
        subjectId: user.id,
        actor: { type: 'platform', id: user.id, label: grant.label },
        meta,
      })
    )
    return {
      token: encryption.encrypt(grant, `${GRANT_MINUTES} minutes`, PURPOSE),
      header: VIEW_AS_HEADER,
      expiresAt: grant.expiresAt,
      consoleUrl: venueUrls(tenant).console,
      api: `/t/${tenant.slug}/console/api`,
      tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug },
    }
  },

  /**
   * The grant a console request carries for `tenant`, or null when it carries none. A grant that
   * is forged, expired or for another venue is a 401; a grant on anything but a read is a 403.
   */
  admit(ctx: HttpContext, tenant: Tenant): ViewAsGrant | null {
    const token = ctx.request.header(VIEW_AS_HEADER)
    if (!token) return null
    const grant = encryption.decrypt<ViewAsGrant>(token, PURPOSE)
    if (!grant || grant.tenantId !== tenant.id) {
      throw new AppError('This view-as grant is invalid or has expired', { status: 401, code: 'E_VIEW_AS_INVALID' })
    }
    if (!SAFE_METHODS.has(ctx.request.method())) {
      throw new AppError('Viewing as a platform operator is read-only', { status: 403, code: 'E_VIEW_AS_READ_ONLY' })
    }
    return grant
  },

  /** May a view-as request use this permission? Reads only. */
  allows(permission: string) {
    return permission.endsWith(':read')
  },
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    /** Set on a venue console request made by a platform operator through a view-as grant. */
    viewAs?: ViewAsGrant
  }
}
