/*
 * Platform-wide figures for the super-admin console: each venue's sales, and totals across venues.
 *
 * Venue data lives in its own schema (tenant_<id>), and the design keeps cross-schema joins out of
 * the platform (they would also stop working once schemas are spread over Citus nodes). So the
 * figures are computed per venue — one small aggregate query in that venue's unit of work — a few
 * venues at a time (bounded, so the console never takes the pool), and summed here. Nothing is
 * cached: the numbers agree with the orders tables at the moment they are asked for. This is
 * sized for hundreds to a few thousand venues (about 1 ms a venue on an idle database); past that,
 * a nightly per-venue rollup into a platform table is the next step (see docs/platform.md).
 *
 * "Sales" are paid orders: `paid_amount` (fen) and their count, by the time they were paid, in
 * Asia/Shanghai days. Refunds are not subtracted (that is the venue console's finance view).
 */
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { mapBounded } from '#core/map_bounded'
import Tenant from '#tenancy/models/tenant'
import { eachTenant } from '#tenancy/services/each_tenant'
import { runInTenant } from '#tenancy/services/tenant_database'

const ZONE = 'Asia/Shanghai'
const CONCURRENCY = 4

export interface TenantSales {
  monthPaid: number
  monthOrders: number
  last30Paid: number
  last30Orders: number
}

export interface DailySales {
  day: string
  paid: number
  orders: number
}

const EMPTY_SALES: TenantSales = { monthPaid: 0, monthOrders: 0, last30Paid: 0, last30Orders: 0 }

/** A venue's paid sales this calendar month and over the last 30 days (one query). */
export function tenantSales(tenant: Tenant, now = DateTime.now()): Promise<TenantSales> {
  const month = now.setZone(ZONE).startOf('month').toJSDate()
  const last30 = now.minus({ days: 30 }).toJSDate()
  return runInTenant(tenant, async (trx) => {
    const { rows } = await trx.rawQuery(
      `select coalesce(sum(paid_amount) filter (where paid_at >= :month), 0)::bigint as "monthPaid",
              count(*) filter (where paid_at >= :month)::int as "monthOrders",
              coalesce(sum(paid_amount) filter (where paid_at >= :last30), 0)::bigint as "last30Paid",
              count(*) filter (where paid_at >= :last30)::int as "last30Orders"
         from orders where paid_at >= :since`,
      { month, last30, since: month < last30 ? month : last30 }
    )
    const row = rows[0]
    return { monthPaid: Number(row.monthPaid), monthOrders: row.monthOrders, last30Paid: Number(row.last30Paid), last30Orders: row.last30Orders }
  })
}

/** Sales of each venue given, bounded-parallel; a venue whose schema cannot be read shows zeros and `salesError`. */
export async function salesOf(tenants: Tenant[]) {
  return mapBounded(tenants, async (tenant) => {
    try {
      return { sales: await tenantSales(tenant) }
    } catch (error) {
      return { sales: EMPTY_SALES, salesError: (error as Error).message }
    }
  }, CONCURRENCY)
}

/** A venue's paid sales per Asia/Shanghai day from `from` (a day) to today. */
function dailySales(tenant: Tenant, from: DateTime): Promise<DailySales[]> {
  return runInTenant(tenant, async (trx) => {
    const { rows } = await trx.rawQuery(
      `select to_char(paid_at at time zone :zone, 'YYYY-MM-DD') as day, sum(paid_amount)::bigint as paid, count(*)::int as orders
         from orders where paid_at >= :from group by 1`,
      { zone: ZONE, from: from.toJSDate() }
    )
    return rows.map((row: any) => ({ day: row.day, paid: Number(row.paid), orders: row.orders }))
  })
}

/** Every day from `from` to today, Asia/Shanghai, as YYYY-MM-DD. */
function daysSince(from: DateTime): string[] {
  const days: string[] = []
  const today = DateTime.now().setZone(ZONE).startOf('day')
  for (let day = from; day <= today; day = day.plus({ days: 1 })) days.push(day.toISODate()!)
  return days
}

export default class PlatformStats {
  /** The overview: venues by status, sign-ups per week, paid sales per day, top venues. */
  static async overview(options: { days: number; top?: number }) {
    const from = DateTime.now().setZone(ZONE).startOf('day').minus({ days: options.days - 1 })
    // A venue whose schema cannot be read counts nothing and is listed as unreadable.
    const perTenant = (await eachTenant((tenant) => dailySales(tenant, from), { concurrency: CONCURRENCY })).map(({ tenant, result, error }) => ({
      tenant,
      days: result ?? [],
      error: error?.message,
    }))

    const byDay = new Map(daysSince(from).map((day) => [day, { day, paid: 0, orders: 0 }]))
    for (const { days } of perTenant) {
      for (const entry of days) {
        const total = byDay.get(entry.day)
        if (!total) continue
        total.paid += entry.paid
        total.orders += entry.orders
      }
    }
    const daily = [...byDay.values()]
    const top = perTenant
      .map(({ tenant, days }) => ({
        id: tenant.id,
        name: tenant.name,
        slug: tenant.slug,
        paid: days.reduce((sum, d) => sum + d.paid, 0),
        orders: days.reduce((sum, d) => sum + d.orders, 0),
      }))
      .filter((entry) => entry.orders > 0)
      .sort((a, b) => b.paid - a.paid || b.orders - a.orders)
      .slice(0, options.top ?? 10)

    return {
      from: from.toISODate(),
      to: DateTime.now().setZone(ZONE).toISODate(),
      tenantsByStatus: await PlatformStats.tenantsByStatus(),
      signupsByWeek: await PlatformStats.signupsByWeek(12),
      daily,
      totals: { paid: daily.reduce((sum, d) => sum + d.paid, 0), orders: daily.reduce((sum, d) => sum + d.orders, 0) },
      top,
      unreadable: perTenant.filter((entry) => entry.error).map((entry) => ({ id: entry.tenant.id, error: entry.error })),
    }
  }

  static async tenantsByStatus() {
    const rows = await db.from('tenants').groupBy('status').select('status').count('* as total')
    const counts: Record<string, number> = { pending: 0, active: 0, suspended: 0 }
    for (const row of rows) counts[row.status] = Number(row.total)
    return counts
  }

  /** New venues per ISO week (Monday, Asia/Shanghai) over the last `weeks` weeks, empty weeks included. */
  static async signupsByWeek(weeks: number) {
    const start = DateTime.now().setZone(ZONE).startOf('week').minus({ weeks: weeks - 1 })
    const { rows } = await db.rawQuery(
      `select to_char(date_trunc('week', created_at at time zone :zone), 'YYYY-MM-DD') as week, count(*)::int as total
         from tenants where created_at >= :start group by 1`,
      { zone: ZONE, start: start.toJSDate() }
    )
    const counts = new Map(rows.map((row: any) => [row.week, row.total]))
    return Array.from({ length: weeks }, (_, i) => {
      const week = start.plus({ weeks: i }).toISODate()!
      return { week, signups: counts.get(week) ?? 0 }
    })
  }
}
