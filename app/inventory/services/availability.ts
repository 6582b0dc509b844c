/*
 * What a visitor may still buy. A product's places in a session are those of its tightest quota;
 * a day's places are the sum over its open sessions. Queries are bounded by a date window and
 * use the sessions (site_id, starts_at) index, so a year of hourly slots costs what a month costs.
 * Places set aside for vouchers count only for the holder of a code of their campaign.
 */
import { notFound } from '#core/app_error'
import { runTenantStatement } from '#inventory/services/tenant_sql'

interface Tenantish {
  schemaName: string
}

const SESSIONS_SQL = `
select s.id, s.kind, s.name, s.starts_at, s.ends_at,
       (s.starts_at at time zone site.timezone)::date as local_date,
       min(q.capacity - q.held - q.sold - q.reserved + coalesce(vr.places, 0))::int as remaining
from $s.products p
join $s.sites site on site.id = p.site_id
join $s.sessions s on s.site_id = p.site_id
join $s.quotas q on q.session_id = s.id
join $s.quota_products qp on qp.quota_id = q.id and qp.product_id = p.id
left join $s.voucher_reserves vr on vr.quota_id = q.id and vr.campaign_id = ?::bigint
where p.id = ? and p.status = 'on_sale' and s.status = 'open'
  and s.starts_at >= (?::date::timestamp at time zone site.timezone)
  and s.starts_at < ((?::date + 1)::timestamp at time zone site.timezone)
  and now() < case when s.kind = 'performance' then s.starts_at else s.ends_at end
group by s.id, site.timezone
order by s.starts_at
`

export default class Availability {
  static async ensureOnSale(tenant: Tenantish, productId: number) {
    const [product] = await runTenantStatement(tenant, `select id from $s.products where id = ? and status = 'on_sale'`, [productId])
    if (!product) throw notFound('No such ticket on sale', 'E_PRODUCT_NOT_FOUND')
  }

  /** Open sessions of a product between two local dates (inclusive), with places left (to a voucher's holder: its reserve too). */
  static async sessions(tenant: Tenantish, productId: number, from: string, to: string, voucherCampaignId?: number) {
    await Availability.ensureOnSale(tenant, productId)
    const rows = await runTenantStatement<any>(tenant, SESSIONS_SQL, [voucherCampaignId ?? null, productId, from, to])
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      name: row.name,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      date: isoDate(row.local_date),
      remaining: Math.max(0, row.remaining),
    }))
  }

  /** Per local day: how many open sessions and places are left (for the date picker). */
  static async days(tenant: Tenantish, productId: number, from: string, to: string, voucherCampaignId?: number) {
    const days = new Map<string, { date: string; sessions: number; remaining: number }>()
    for (const session of await Availability.sessions(tenant, productId, from, to, voucherCampaignId)) {
      const day = days.get(session.date) ?? { date: session.date, sessions: 0, remaining: 0 }
      day.sessions += 1
      day.remaining += session.remaining
      days.set(session.date, day)
    }
    return [...days.values()].map((day) => ({ ...day, soldOut: day.remaining === 0 }))
  }
}

function isoDate(value: Date | string) {
  if (typeof value === 'string') return value.slice(0, 10)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`
}
