/*
 * A venue's schedule: performances, time slots (分时预约) and open-date validity ranges. Days
 * and clock times are the site's own: 09:00 at an Asia/Shanghai site is 01:00 UTC. Each change
 * is audited in its transaction; the bulk actions (generate, close-day) as one record with counts.
 */
import { DateTime } from 'luxon'
import { invalid, notFound } from '#core/app_error'
import Session from '#catalog/models/session'
import type Zone from '#catalog/models/zone'
import { findSite, findSiteZone } from '#catalog/services/site_catalog'
import { assertSiteProducts, insertQuotas } from '#inventory/services/quota_admin'
import { materializeSessionSeats } from '#inventory/services/seat_inventory'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import type { NewSession, SessionChanges, SessionRange, SessionTemplate } from '#catalog/validators/session'

interface PlannedSession {
  name: string | null
  startsAt: DateTime
  endsAt: DateTime
}

/** The first instant of a calendar day in the site's zone. */
function dayStart(date: string, zone: string) {
  return DateTime.fromISO(date, { zone }).startOf('day')
}

/** The same local day at an HH:mm clock time. */
function at(day: DateTime, clock: string) {
  const [hour, minute] = clock.split(':').map(Number)
  return day.set({ hour, minute })
}

function assertTimeOrder(startsAt: DateTime, endsAt: DateTime) {
  if (endsAt.toMillis() <= startsAt.toMillis()) throw invalid('endsAt', 'A session must end after it starts')
}

/** Every session of the weekly template on each day of the range, in the site's zone. */
function plan(template: SessionTemplate, zone: string): PlannedSession[] {
  const planned: PlannedSession[] = []
  const last = dayStart(template.to, zone)
  for (let day = dayStart(template.from, zone); day <= last; day = day.plus({ days: 1 })) {
    for (const slot of template.weekly) {
      if (slot.weekday !== day.weekday) continue
      planned.push({ name: slot.name ?? null, startsAt: at(day, slot.start), endsAt: at(day, slot.end) })
    }
  }
  return planned
}

/** Halls give each new session its seat rows. */
async function materializeSeats(trx: TenantTransaction, zone: Zone | null, sessionIds: number[]) {
  if (zone?.kind !== 'hall') return
  for (const id of sessionIds) await materializeSessionSeats(trx, id, zone.id)
}

export default class SessionSchedule {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new SessionSchedule(tenant)
  }

  /**
   * Sessions overlapping the site's local days `from`..`to`, so a validity range shows on every day it
   * covers; with a product, those with a quota that sells it.
   */
  list(range: SessionRange) {
    return runInTenant(this.tenant, async (trx) => {
      const site = await findSite(trx, range.siteId, { field: 'siteId' })
      const start = dayStart(range.from, site.timezone)
      const end = dayStart(range.to, site.timezone).plus({ days: 1 })
      const sessions = await Session.query({ client: trx })
        .where('site_id', site.id)
        .where('starts_at', '<', end.toJSDate())
        .where('ends_at', '>', start.toJSDate())
        .if(range.productId, (query) =>
          query.whereIn('id', trx.from('quotas').join('quota_products', 'quota_products.quota_id', 'quotas.id').where('quota_products.product_id', range.productId!).select('quotas.session_id'))
        )
        .orderBy('starts_at')
        .orderBy('id')
      return sessions.map((session) => session.serialize())
    })
  }

  create(input: NewSession) {
    return runInTenant(this.tenant, async (trx) => {
      const site = await findSite(trx, input.siteId, { field: 'siteId' })
      const zone = input.zoneId ? await findSiteZone(trx, site.id, input.zoneId) : null
      assertTimeOrder(input.startsAt, input.endsAt)
      const session = await Session.create({ ...input, zoneId: zone?.id ?? null }, { client: trx })
      await session.refresh() // the status the database defaults
      await materializeSeats(trx, zone, [session.id])
      const after = session.serialize()
      await auditLog.tenant(trx, { action: 'session.created', subjectType: 'session', subjectId: session.id, after })
      return after
    })
  }

  /**
   * Creates the template's sessions with their quotas, skipping those that exist already (same
   * site, zone and start), in a few statements whatever the number of sessions.
   */
  generate(template: SessionTemplate) {
    return runInTenant(this.tenant, async (trx) => {
      // FOR UPDATE: generations for one site run one at a time, so two cannot both add a session.
      const site = await findSite(trx, template.siteId, { forUpdate: true, field: 'siteId' })
      const zone = template.zoneId ? await findSiteZone(trx, site.id, template.zoneId) : null
      const quotas = template.quotas ?? []
      for (const [index, quota] of quotas.entries()) {
        await assertSiteProducts(trx, site.id, quota.productIds, `quotas.${index}.productIds`)
      }

      const planned = plan(template, site.timezone)
      const existing = await trx
        .from('sessions')
        .where('site_id', site.id)
        .if(zone, (query) => query.where('zone_id', zone!.id), (query) => query.whereNull('zone_id'))
        .where('starts_at', '>=', dayStart(template.from, site.timezone).toJSDate())
        .where('starts_at', '<', dayStart(template.to, site.timezone).plus({ days: 1 }).toJSDate())
        .select('starts_at')
      const taken = new Set(existing.map((row: { starts_at: Date }) => row.starts_at.getTime()))
      const fresh = planned.filter((session) => !taken.has(session.startsAt.toMillis()))

      const ids = fresh.length ? await this.#insertSessions(trx, site.id, zone?.id ?? null, template.kind, fresh) : []
      await insertQuotas(trx, ids, quotas)
      await materializeSeats(trx, zone, ids)

      const counts = { created: ids.length, skipped: planned.length - ids.length }
      await auditLog.tenant(trx, {
        action: 'sessions.generated',
        subjectType: 'site',
        subjectId: site.id,
        after: { ...template, ...counts },
      })
      return counts
    })
  }

  /** Closes the open sessions starting on the site's local day (validity ranges are not "of a day"). */
  closeDay(siteId: number, date: string) {
    return runInTenant(this.tenant, async (trx) => {
      const site = await findSite(trx, siteId, { field: 'siteId' })
      const start = dayStart(date, site.timezone)
      const closed: { id: number }[] = await trx
        .from('sessions')
        .where('site_id', site.id)
        .where('status', 'open')
        .whereNot('kind', 'open_date')
        .where('starts_at', '>=', start.toJSDate())
        .where('starts_at', '<', start.plus({ days: 1 }).toJSDate())
        .update({ status: 'closed', updated_at: new Date() }, ['id'])
      const sessionIds = closed.map((row) => row.id).sort((a, b) => a - b)
      await auditLog.tenant(trx, {
        action: 'sessions.day_closed',
        subjectType: 'site',
        subjectId: site.id,
        before: { date, status: 'open', sessionIds },
        after: { date, status: 'closed', count: sessionIds.length },
      })
      return { closed: sessionIds.length }
    })
  }

  update(id: number, changes: SessionChanges) {
    return runInTenant(this.tenant, async (trx) => {
      const session = await Session.query({ client: trx }).where('id', id).forUpdate().first()
      if (!session) throw notFound('No such session', 'E_SESSION_NOT_FOUND')
      const before = session.serialize()
      session.merge(changes)
      assertTimeOrder(session.startsAt, session.endsAt)
      await session.save()
      const after = session.serialize()
      await auditLog.tenant(trx, { action: 'session.updated', subjectType: 'session', subjectId: session.id, before, after })
      return after
    })
  }

  /** One multi-row insert for all the sessions; returns their ids. */
  async #insertSessions(trx: TenantTransaction, siteId: number, zoneId: number | null, kind: string, sessions: PlannedSession[]) {
    // The rows travel as one JSON parameter: no limit on bind parameters, and a null zone stays null.
    const rows = sessions.map((session) => ({
      zone_id: zoneId,
      name: session.name,
      starts_at: session.startsAt.toISO(),
      ends_at: session.endsAt.toISO(),
    }))
    const result = await trx.rawQuery(
      `insert into sessions (site_id, zone_id, kind, name, starts_at, ends_at, created_at, updated_at)
       select ?::bigint, zone_id, ?::text, name, starts_at, ends_at, now(), now()
       from jsonb_to_recordset(?::jsonb) as t(zone_id bigint, name text, starts_at timestamptz, ends_at timestamptz)
       returning id`,
      [siteId, kind, JSON.stringify(rows)]
    )
    return result.rows.map((row: { id: number }) => row.id) as number[]
  }
}
