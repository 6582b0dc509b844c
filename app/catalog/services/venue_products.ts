/*
 * The visitor's product list (the home page's 票种): products on sale within their sale window,
 * with a "from" price and badges. A fixed number of queries whatever the number of products and
 * sessions: the products, their sites, the places left at each of their sessions of the coming
 * 30 days (as availability counts them: the tightest quota of the product at an open session
 * not yet over), and the price rules and calendar days of those 30 days. Each session's price is
 * the price calendar's quote at that session, which is what checkout charges (priceAtSession).
 *
 * - fromPrice: the lowest of those prices over the sessions that still have places; null when
 *   none has.
 * - badges: `sold_out` when the window has sessions and none has places left; `few_left` when
 *   places are left but at most FEW_LEFT_PLACES, or at most FEW_LEFT_SHARE of the window's
 *   capacity; `free` when the from price is 0 (or the product is a free ticket).
 *
 * Voucher-only products (docs/members.md) are left out, unless a usable voucher code names them.
 */
import { DateTime } from 'luxon'
import { notFound } from '#core/app_error'
import CalendarDay from '#catalog/models/calendar_day'
import PriceRule from '#catalog/models/price_rule'
import Product from '#catalog/models/product'
import Site from '#catalog/models/site'
import { PriceCalendar, ruleTerms } from '#catalog/services/price_calendar'
import { runTenantStatement } from '#inventory/services/tenant_sql'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

const WINDOW_DAYS = 30
const FEW_LEFT_PLACES = 20
const FEW_LEFT_SHARE = 0.1

export type Badge = 'sold_out' | 'few_left' | 'free'

interface SessionPlaces {
  product_id: number
  session_id: number
  local_date: string
  remaining: number
  capacity: number
}

/** Each product's sessions of the window (from today at its site), with places left and capacity. */
const SESSIONS_SQL = `
select p.id as product_id, s.id as session_id,
       (s.starts_at at time zone site.timezone)::date::text as local_date,
       greatest(min(q.capacity - q.held - q.sold - q.reserved), 0)::int as remaining,
       min(q.capacity)::int as capacity
from $s.products p
join $s.sites site on site.id = p.site_id
join $s.sessions s on s.site_id = p.site_id
join $s.quotas q on q.session_id = s.id
join $s.quota_products qp on qp.quota_id = q.id and qp.product_id = p.id
where p.id = any(?) and s.status = 'open'
  and s.starts_at >= ((now() at time zone site.timezone)::date::timestamp at time zone site.timezone)
  and s.starts_at < (((now() at time zone site.timezone)::date + ${WINDOW_DAYS})::timestamp at time zone site.timezone)
  and now() < case when s.kind = 'performance' then s.starts_at else s.ends_at end
group by p.id, s.id, site.timezone
`

/** Lowest price at a session with places left, and the badges, from a product's sessions of the window. */
function summarize(kind: Product['kind'], calendar: PriceCalendar, sessions: SessionPlaces[]) {
  const open = sessions.filter((session) => session.remaining > 0)
  const prices = open.map((session) => calendar.quote(session.local_date, { sessionId: session.session_id }).price)
  const fromPrice = prices.length ? Math.min(...prices) : null
  const remaining = open.reduce((sum, session) => sum + session.remaining, 0)
  const capacity = sessions.reduce((sum, session) => sum + session.capacity, 0)
  const badges: Badge[] = []
  if (sessions.length && !remaining) badges.push('sold_out')
  if (remaining && (remaining <= FEW_LEFT_PLACES || remaining <= capacity * FEW_LEFT_SHARE)) badges.push('few_left')
  if (fromPrice === 0 || kind === 'free') badges.push('free')
  return { fromPrice, badges }
}

/** Products visitors may buy now: on sale, and the sale window (if any) open. */
function onSaleNow(trx: TenantTransaction) {
  const now = new Date()
  return Product.query({ client: trx })
    .where('status', 'on_sale')
    .where((query) => query.whereNull('sale_starts_at').orWhere('sale_starts_at', '<=', now))
    .where((query) => query.whereNull('sale_ends_at').orWhere('sale_ends_at', '>', now))
    .orderBy('id')
}

async function present(trx: TenantTransaction, products: Product[]) {
  if (!products.length) return []
  const ids = products.map((product) => product.id)
  const sites = new Map((await Site.query({ client: trx }).whereIn('id', [...new Set(products.map((p) => p.siteId))])).map((site) => [site.id, site]))

  const sessions = new Map<number, SessionPlaces[]>()
  // Prepared once per connection and venue, like availability's: planning costs more than running it.
  for (const row of await runTenantStatement<SessionPlaces>({ schemaName: trx.tenantSchema }, SESSIONS_SQL, [ids], 'venue_products_sessions', trx)) {
    sessions.set(row.product_id, [...(sessions.get(row.product_id) ?? []), row])
  }

  // Rules and calendar days over a range that covers the window in any site's time zone.
  const today = DateTime.utc()
  const from = today.minus({ days: 1 }).toISODate()
  const to = today.plus({ days: WINDOW_DAYS + 1 }).toISODate()
  const rules = await PriceRule.query({ client: trx })
    .whereIn('product_id', ids)
    .where((query) => query.whereNull('date_from').orWhere('date_from', '<=', to))
    .where((query) => query.whereNull('date_to').orWhere('date_to', '>=', from))
  const days = (await CalendarDay.query({ client: trx }).whereBetween('day', [from, to])).map((day) => ({ day: day.day.toISODate()!, kind: day.kind }))

  return products.map((product) => {
    const calendar = new PriceCalendar(
      product.basePrice,
      rules.filter((rule) => rule.productId === product.id).map(ruleTerms),
      days
    )
    const site = sites.get(product.siteId)!
    return {
      id: product.id,
      name: product.name,
      kind: product.kind,
      description: product.description,
      images: product.images,
      coverUrl: product.images[0] ?? null,
      seating: product.seating,
      validity: product.validity,
      realNameRequired: product.realNameRequired,
      minPerOrder: product.minPerOrder,
      maxPerOrder: product.maxPerOrder,
      partyMin: product.partyMin,
      partyMax: product.partyMax,
      refundable: product.refundable,
      changeable: product.changeable,
      refundTiers: product.refundTiers,
      siteName: site.name,
      ...summarize(product.kind, calendar, sessions.get(product.id) ?? []),
      site: { id: site.id, name: site.name, address: site.address },
    }
  })
}

/** Products as the home page lists them: without their site. */
const listed = (products: Awaited<ReturnType<typeof present>>) => products.map(({ site: _site, ...product }) => product)

export default class VenueProducts {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new VenueProducts(tenant)
  }

  /** GET /api/products. */
  list() {
    return runInTenant(this.tenant, async (trx) => listed(await present(trx, await onSaleNow(trx).where('requires_voucher', false))))
  }

  /** The products on sale among those a voucher names, voucher-only ones included (GET /api/vouchers/:code). */
  withVoucher(productIds: number[]) {
    return runInTenant(this.tenant, async (trx) => listed(await present(trx, await onSaleNow(trx).whereIn('id', productIds))))
  }

  /** GET /api/products/:id: one product on sale now, with its site; a voucher-only one if `unlocked` names it. */
  show(id: number, unlocked: number[] = []) {
    return runInTenant(this.tenant, async (trx) => {
      const [product] = await present(trx, await onSaleNow(trx).where('id', id).if(!unlocked.includes(id), (query) => query.where('requires_voucher', false)))
      if (!product) throw notFound('No such product on sale', 'E_PRODUCT_NOT_FOUND')
      return product
    })
  }
}
