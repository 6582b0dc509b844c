/*
 * The demo: three venues (a scenic area with timed entry, a theatre with reserved seats, a
 * museum with free timed reservations), their staff with known passwords, what each sells
 * (demo_catalog), and platform staff. Idempotent: what exists is left alone.
 */
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import Tenant, { type VenueType } from '#tenancy/models/tenant'
import TenantProvisioner from '#tenancy/services/tenant_provisioner'
import { runInTenant } from '#tenancy/services/tenant_database'
import StaffUser from '#identity/models/staff_user'
import PlatformUser from '#identity/models/platform_user'
import authorization from '#identity/authz/authorization_service'
import { twoFactor } from '#identity/services/two_factor'
import { auditLog } from '#identity/audit/audit_log'
import { seedDemoCatalog } from '#platform/services/demo_catalog'
import { seedDemoVenueProfile } from '#catalog/services/venue_demo'

export const DEMO_PASSWORD = 'Tessera-demo-2026'
/** Fixed so the demo's two-factor login can be set up once in an authenticator app. */
export const DEMO_TOTP_SECRET = 'KRSXG5CTMVZHG2LPNZQWIZLNN5PA'

const VENUES: { slug: string; name: string; venueType: VenueType; contactName: string }[] = [
  { slug: 'misty-peak', name: '雾峰山景区 Misty Peak Scenic Area', venueType: 'scenic', contactName: '李娜' },
  { slug: 'riverside-theatre', name: '江畔大剧院 Riverside Grand Theatre', venueType: 'theatre', contactName: '陈伟' },
  { slug: 'city-museum', name: '城市博物馆 City Museum', venueType: 'museum', contactName: '张敏' },
]

const STAFF: { local: string; fullName: string; roles: string[] }[] = [
  { local: 'admin', fullName: 'Venue administrator', roles: ['admin'] },
  { local: 'boxoffice', fullName: 'Box office clerk', roles: ['box_office'] },
  { local: 'gate', fullName: 'Check-in staff', roles: ['checkin'] },
  { local: 'finance', fullName: 'Finance officer', roles: ['finance'] },
]

export interface DemoAccount {
  venue?: string
  email: string
  role: string
}

/** Each venue's merchant accounts and official account at the local sandbox, when one runs (npm run demo starts it). */
async function connectDemoPayments(tenant: Tenant) {
  if (!process.env.SANDBOX_URL) return
  await import('#wechat/services/sandbox_official_account').then(({ connectSandboxOfficialAccount }) => connectSandboxOfficialAccount(tenant, { menu: true }))
  const { default: PaymentAccounts } = await import('#payments/services/payment_accounts')
  if ((await PaymentAccounts.for(tenant).list()).length) return
  const { connectSandboxMerchants } = await import('#sandbox/sandbox_merchants')
  await connectSandboxMerchants(tenant)
}

export async function seedDemo(): Promise<{ accounts: DemoAccount[]; venues: Tenant[] }> {
  const accounts: DemoAccount[] = []
  const provisioner = await app.container.make(TenantProvisioner)
  const passwordHash = await hash.make(DEMO_PASSWORD)

  for (const venue of VENUES) {
    const owner = `owner@${venue.slug}.demo`
    let tenant = await Tenant.findBy('slug', venue.slug)
    if (!tenant) {
      tenant = (
        await provisioner.provision(
          { venueName: venue.name, venueType: venue.venueType, slug: venue.slug, contactName: venue.contactName, contactPhone: '13800138000', email: owner, password: DEMO_PASSWORD },
          { status: 'active', actor: { type: 'system', label: 'demo:seed' } }
        )
      ).tenant
    }
    accounts.push({ venue: venue.slug, email: owner, role: 'owner' })
    await runInTenant(tenant, async (trx) => {
      for (const member of STAFF) {
        const email = `${member.local}@${venue.slug}.demo`
        accounts.push({ venue: venue.slug, email, role: member.roles.join(', ') })
        if (await StaffUser.query({ client: trx }).where('email', email).first()) continue
        const staff = await StaffUser.create({ email, fullName: member.fullName, password: passwordHash, status: 'active' }, { client: trx })
        await authorization.setStaffRoles(trx, tenant!.id, staff.id, member.roles)
        await auditLog.tenant(trx, { action: 'staff.created', subjectType: 'staff', subjectId: staff.id, after: { ...staff.serialize(), roles: member.roles }, actor: { type: 'system', label: 'demo:seed' } })
      }
    })
    await seedDemoCatalog(tenant)
    await seedDemoVenueProfile(tenant)
    await connectDemoPayments(tenant)
  }

  await authorization.seedPlatform()
  for (const [email, role] of [['superadmin@tessera.demo', 'superadmin'], ['support@tessera.demo', 'support']]) {
    accounts.push({ email, role })
    if (await PlatformUser.findBy('email', email)) continue
    await db.transaction(async (trx) => {
      const user = await PlatformUser.create(
        { email, fullName: role === 'superadmin' ? 'Platform superadmin' : 'Platform support', password: passwordHash, status: 'active', totpSecret: twoFactor.seal(DEMO_TOTP_SECRET), totpEnabledAt: DateTime.now() },
        { client: trx }
      )
      await authorization.setPlatformRoles(trx, user.id, [role])
      await auditLog.platform({ action: 'platform_user.created', subjectType: 'platform_user', subjectId: user.id, after: { email, role }, actor: { type: 'system', label: 'demo:seed' } }, trx)
    })
  }
  return { accounts, venues: await Tenant.query().whereIn('slug', VENUES.map((v) => v.slug)).orderBy('id') }
}
