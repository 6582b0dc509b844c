/*
 * A venue's sites and their zones (areas, and halls with seat maps). Each change runs in one
 * tenant transaction with its audit record. A zone's kind changes only while no product or
 * session uses it, so reserved seating always points at a hall.
 */
import { AppError, invalid, notFound } from '#core/app_error'
import Site from '#catalog/models/site'
import Zone from '#catalog/models/zone'
import Product from '#catalog/models/product'
import Session from '#catalog/models/session'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import { planLimits } from '#platform/services/plans'
import type Tenant from '#tenancy/models/tenant'
import type { NewSite, SiteChanges } from '#catalog/validators/site'
import type { NewZone, ZoneChanges } from '#catalog/validators/zone'

export interface SiteLookup {
  /** Locks the site until the transaction ends (its timezone, and one schedule generation at a time). */
  forUpdate?: boolean
  /** The input field that named the site: a missing one is then a 422 on it rather than a 404. */
  field?: string
}

export async function findSite(trx: TenantTransaction, id: number, { forUpdate = false, field }: SiteLookup = {}) {
  const site = await Site.query({ client: trx })
    .where('id', id)
    .if(forUpdate, (query) => query.forUpdate())
    .first()
  if (site) return site
  throw field ? invalid(field, 'No such site', 'E_SITE_NOT_FOUND') : notFound('No such site', 'E_SITE_NOT_FOUND')
}

/** A zone of the site, locked FOR SHARE so its kind holds until the transaction ends; else a 422 on zoneId. */
export async function findSiteZone(trx: TenantTransaction, siteId: number, zoneId: number) {
  const zone = await Zone.query({ client: trx }).where('id', zoneId).where('site_id', siteId).forShare().first()
  if (!zone) throw invalid('zoneId', 'No such zone at this site', 'E_ZONE_NOT_FOUND')
  return zone
}

async function assertZoneUnused(trx: TenantTransaction, zoneId: number) {
  const inUse =
    (await Product.query({ client: trx }).where('zone_id', zoneId).select('id').first()) ||
    (await Session.query({ client: trx }).where('zone_id', zoneId).select('id').first())
  if (inUse) {
    throw new AppError('Products or sessions use this zone, so its kind cannot change', { status: 409, code: 'E_ZONE_IN_USE', field: 'kind' })
  }
}

export default class SiteCatalog {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new SiteCatalog(tenant)
  }

  listSites() {
    return runInTenant(this.tenant, async (trx) => {
      const sites = await Site.query({ client: trx }).orderBy('id')
      return sites.map((site) => site.serialize())
    })
  }

  createSite(input: NewSite) {
    return runInTenant(this.tenant, async (trx) => {
      await planLimits.assertSiteRoom(trx, this.tenant)
      const site = await Site.create(input, { client: trx })
      await site.refresh() // the timezone the database defaults
      const after = site.serialize()
      await auditLog.tenant(trx, { action: 'site.created', subjectType: 'site', subjectId: site.id, after })
      return after
    })
  }

  updateSite(id: number, changes: SiteChanges) {
    return runInTenant(this.tenant, async (trx) => {
      const site = await findSite(trx, id, { forUpdate: true })
      const before = site.serialize()
      await site.merge(changes).save()
      const after = site.serialize()
      await auditLog.tenant(trx, { action: 'site.updated', subjectType: 'site', subjectId: site.id, before, after })
      return after
    })
  }

  listZones(siteId: number) {
    return runInTenant(this.tenant, async (trx) => {
      await findSite(trx, siteId)
      const zones = await Zone.query({ client: trx }).where('site_id', siteId).orderBy('id')
      return zones.map((zone) => zone.serialize())
    })
  }

  createZone(siteId: number, input: NewZone) {
    return runInTenant(this.tenant, async (trx) => {
      await findSite(trx, siteId)
      const zone = await Zone.create({ siteId, ...input }, { client: trx })
      const after = zone.serialize()
      await auditLog.tenant(trx, { action: 'zone.created', subjectType: 'zone', subjectId: zone.id, after })
      return after
    })
  }

  updateZone(id: number, changes: ZoneChanges) {
    return runInTenant(this.tenant, async (trx) => {
      // FOR UPDATE: products and sessions pointing at the zone lock it FOR SHARE while they check its kind.
      const zone = await Zone.query({ client: trx }).where('id', id).forUpdate().first()
      if (!zone) throw notFound('No such zone', 'E_ZONE_NOT_FOUND')
      if (changes.kind && changes.kind !== zone.kind) await assertZoneUnused(trx, zone.id)
      const before = zone.serialize()
      await zone.merge(changes).save()
      const after = zone.serialize()
      await auditLog.tenant(trx, { action: 'zone.updated', subjectType: 'zone', subjectId: zone.id, before, after })
      return after
    })
  }
}
