/*
 * The venue's statistics for a range of days (Asia/Shanghai), each figure one grouped query.
 * Definitions (docs/reports.md says the same, with examples):
 *
 * - Sales (销售) follow the order: an order counts on the day it was paid (orders.paid_at, when its
 *   tickets were issued; free orders too). orders = how many; tickets = its tickets as sold (a
 *   change's replacement tickets are not new sales); sales = Σ orders.total_amount (the tickets'
 *   prices less the coupon discount); discounts = Σ orders.discount_amount. The payment channel of
 *   an order is that of the payment that paid it, `free` when nothing was paid.
 * - Money (收款/退款) follows the channels: paid = Σ payments.amount paid that day (payments.paid_at,
 *   the channel's own time), change differences (改签补差) included; refunded = Σ refunds.amount
 *   that succeeded that day (refunds.completed_at), change refunds included; net = paid − refunded.
 *   Surplus payments (paid for an order that could not take them) and their automatic refunds are
 *   money passing through: left out of both (finance shows them).
 * - refunds = succeeded refunds of tickets (退票: kinds visitor and staff), refundedTickets their
 *   tickets, refundFees the fees kept (退票手续费). Rates compare flows in the same range:
 *   refund rate by amount = refunded / paid, by count = refundedTickets / tickets.
 * - Sessions starting in the range: capacity = Σ its quotas' capacity, sold = its tickets valid or
 *   used, checkedIn = those of them admitted at least once; check-in rate = Σ checkedIn / Σ sold.
 * - Entries = people admitted (entry scans with result admitted), by the hour they came in.
 * - Products: tickets sold and their sales, each ticket at what was paid for it (its price less its
 *   share of the coupon discount, shared as refunds share it), so products add up to sales.
 * - Commission (平台佣金) is the platform's share of each order's sales at the venue's current plan
 *   rate, rounded half up per order (as plans.commissionOf rounds); 0 without a plan.
 */
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import { reportRange, VENUE_ZONE, type ReportRange } from '#reports/services/report_range'
import { planLimits } from '#platform/services/plans'

const TOP_PRODUCTS = 10
/** Sessions listed at most (a year of hourly slots would be thousands; the busiest days come first in a chart anyway). */
const MAX_SESSIONS = 1000

const num = (value: unknown) => Number(value ?? 0)
const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0)
/** The venue's calendar day of a timestamp (grouped on, then formatted once per group). */
const localDay = (column: string) => `(${column} at time zone '${VENUE_ZONE}')::date`

export interface SalesRow {
  day: string
  channel: string
  sales_channel: string
  orders: number
  tickets: number
  sales: number
  discounts: number
  commission: number
}

interface MoneyRow {
  day: string
  channel: string
  count: number
  amount: number
}

interface RefundRow extends MoneyRow {
  refunds: number
  tickets: number
  fees: number
}

export interface ProductFigures {
  productId: number
  name: string
  kind: string
  tickets: number
  sales: number
  refundedTickets: number
}

export interface SessionFigures {
  sessionId: number
  name: string | null
  products: string
  startsAt: Date
  endsAt: Date
  status: string
  capacity: number
  sold: number
  checkedIn: number
  soldRate: number
  checkinRate: number
}

/**
 * Paid orders by venue day, payment channel and sales channel, with their commission at
 * `commissionBp` rounded per order (the settlement list shows the same figures per channel and day).
 */
export async function salesRows(trx: TenantTransaction, range: ReportRange, commissionBp: number): Promise<SalesRow[]> {
  // The tickets and the paying payment of each order, grouped by order once (hash joins, not a lookup per order).
  const inRange = (alias: string) => `join orders sold on sold.id = ${alias}.order_id and sold.paid_at >= ? and sold.paid_at < ?`
  const { rows } = await trx.rawQuery(
    `select to_char(${localDay('o.paid_at')}, 'YYYY-MM-DD') as day, coalesce(p.channel, 'free') as channel, o.sales_channel,
            count(*)::int as orders, coalesce(sum(t.tickets), 0)::int as tickets,
            sum(o.total_amount)::bigint as sales, sum(o.discount_amount)::bigint as discounts,
            sum((o.total_amount::bigint * ?::bigint + 5000) / 10000)::bigint as commission
     from orders o
     left join (
       select ot.order_id, count(*) as tickets from order_tickets ot ${inRange('ot')} where ot.replaces_id is null group by 1
     ) t on t.order_id = o.id
     left join (
       select distinct on (pt.order_id) pt.order_id, pt.channel from payments pt ${inRange('pt')}
       where pt.status = 'paid' and not pt.surplus and pt.change_id is null order by pt.order_id, pt.paid_at
     ) p on p.order_id = o.id
     where o.paid_at >= ? and o.paid_at < ?
     group by ${localDay('o.paid_at')}, 2, 3`,
    [commissionBp, range.start, range.end, range.start, range.end, range.start, range.end]
  )
  return rows.map((row: any) => ({
    ...row,
    orders: num(row.orders),
    tickets: num(row.tickets),
    sales: num(row.sales),
    discounts: num(row.discounts),
    commission: num(row.commission),
  }))
}

export default class Statistics {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Statistics(tenant)
  }

  async report(from: string, to: string) {
    const range = reportRange(from, to)
    const commissionBp = (await planLimits.planOf(this.tenant))?.commissionBp ?? 0
    return runInTenant(
      this.tenant,
      async (trx) => {
        // Compiling these one-off aggregates (JIT) costs more than running them.
        await trx.rawQuery("select set_config('jit', 'off', true)")
        const [sales, paid, refunded, products, sessions, entries] = [
          await salesRows(trx, range, commissionBp),
          await this.#payments(trx, range),
          await this.#refunds(trx, range),
          await this.#products(trx, range),
          await this.#sessions(trx, range),
          await this.#entries(trx, range),
        ]
        return { ...this.#assemble(range, sales, paid, refunded, products, sessions, entries), commissionBp }
      },
      { isolationLevel: 'repeatable read' }
    )
  }

  async #payments(trx: TenantTransaction, range: ReportRange): Promise<MoneyRow[]> {
    const { rows } = await trx.rawQuery(
      `select to_char(${localDay('paid_at')}, 'YYYY-MM-DD') as day, channel, count(*)::int as count, sum(amount)::bigint as amount
       from payments where status = 'paid' and not surplus and paid_at >= ? and paid_at < ?
       group by ${localDay('paid_at')}, 2`,
      [range.start, range.end]
    )
    return rows.map((row: any) => ({ ...row, count: num(row.count), amount: num(row.amount) }))
  }

  async #refunds(trx: TenantTransaction, range: ReportRange): Promise<RefundRow[]> {
    const { rows } = await trx.rawQuery(
      `select to_char(${localDay('r.completed_at')}, 'YYYY-MM-DD') as day, coalesce(p.channel, 'free') as channel,
              count(*)::int as count, sum(r.amount)::bigint as amount,
              count(*) filter (where r.kind in ('visitor', 'staff'))::int as refunds,
              coalesce(sum(cardinality(r.ticket_ids)) filter (where r.kind in ('visitor', 'staff')), 0)::int as tickets,
              coalesce(sum(r.fee) filter (where r.kind in ('visitor', 'staff')), 0)::bigint as fees
       from refunds r left join payments p on p.id = r.payment_id
       where r.status = 'succeeded' and r.kind <> 'surplus' and r.completed_at >= ? and r.completed_at < ?
       group by ${localDay('r.completed_at')}, 2`,
      [range.start, range.end]
    )
    return rows.map((row: any) => ({ ...row, count: num(row.count), amount: num(row.amount), refunds: num(row.refunds), tickets: num(row.tickets), fees: num(row.fees) }))
  }

  /** Each ticket at what was paid for it: floor(discount × price / Σ prices), the remainder on the order's last ticket. */
  async #products(trx: TenantTransaction, range: ReportRange): Promise<ProductFigures[]> {
    const { rows } = await trx.rawQuery(
      `with sold as (
         select ot.id, ot.order_id, ot.product_id, ot.price, o.discount_amount as discount
         from order_tickets ot join orders o on o.id = ot.order_id
         where ot.replaces_id is null and o.paid_at >= ? and o.paid_at < ?
       ), discounted as (
         select *, sum(price) over (partition by order_id) as prices, row_number() over (partition by order_id order by id desc) as from_last
         from sold where discount > 0
       ), shared as (
         select *, case when prices = 0 then 0 else floor(discount::numeric * price / prices) end as share from discounted
       ), paid as (
         select product_id, price as paid from sold where discount = 0
         union all
         select product_id, price - case when from_last = 1 then discount - (sum(share) over (partition by order_id) - share) else share end from shared
       ), refunded as (
         select ot.product_id, count(*)::int as tickets
         from refunds r cross join lateral unnest(r.ticket_ids) as refunded(ticket_id) join order_tickets ot on ot.id = refunded.ticket_id
         where r.status = 'succeeded' and r.kind in ('visitor', 'staff') and r.completed_at >= ? and r.completed_at < ?
         group by 1
       ), totals as (
         select product_id, count(*)::int as tickets, sum(paid)::bigint as sales from paid group by 1
       )
       select pr.id as product_id, pr.name, pr.kind, coalesce(t.tickets, 0) as tickets, coalesce(t.sales, 0) as sales, coalesce(r.tickets, 0) as refunded_tickets
       from products pr left join totals t on t.product_id = pr.id left join refunded r on r.product_id = pr.id
       where t.product_id is not null or r.product_id is not null
       order by sales desc, tickets desc, pr.id`,
      [range.start, range.end, range.start, range.end]
    )
    return rows.map((row: any) => ({
      productId: num(row.product_id),
      name: row.name as string,
      kind: row.kind as string,
      tickets: num(row.tickets),
      sales: num(row.sales),
      refundedTickets: num(row.refunded_tickets),
    }))
  }

  async #sessions(trx: TenantTransaction, range: ReportRange): Promise<SessionFigures[]> {
    const { rows } = await trx.rawQuery(
      `select s.id, s.name, s.starts_at, s.ends_at, s.status,
              coalesce((select sum(q.capacity) from quotas q where q.session_id = s.id), 0)::int as capacity,
              coalesce(t.sold, 0)::int as sold, coalesce(t.checked_in, 0)::int as checked_in,
              coalesce((select string_agg(distinct pr.name, ' / ') from quota_products qp join quotas q on q.id = qp.quota_id join products pr on pr.id = qp.product_id where q.session_id = s.id), '') as products
       from sessions s
       left join lateral (
         select count(*) as sold, count(*) filter (where admitted > 0) as checked_in
         from order_tickets where session_id = s.id and status in ('valid', 'used')
       ) t on true
       where s.starts_at >= ? and s.starts_at < ?
       order by s.starts_at, s.id
       limit ${MAX_SESSIONS}`,
      [range.start, range.end]
    )
    return rows.map((row: any) => ({
      sessionId: num(row.id),
      name: row.name as string | null,
      products: row.products as string,
      startsAt: row.starts_at as Date,
      endsAt: row.ends_at as Date,
      status: row.status as string,
      capacity: num(row.capacity),
      sold: num(row.sold),
      checkedIn: num(row.checked_in),
      soldRate: rate(num(row.sold), num(row.capacity)),
      checkinRate: rate(num(row.checked_in), num(row.sold)),
    }))
  }

  async #entries(trx: TenantTransaction, range: ReportRange) {
    const { rows } = await trx.rawQuery(
      `select to_char(${localDay('occurred_at')}, 'YYYY-MM-DD') as day, extract(hour from occurred_at at time zone '${VENUE_ZONE}')::int as hour, sum(people)::int as people
       from checkins where direction = 'entry' and result = 'admitted' and occurred_at >= ? and occurred_at < ?
       group by ${localDay('occurred_at')}, 2`,
      [range.start, range.end]
    )
    return rows.map((row: any) => ({ day: row.day as string, hour: num(row.hour), people: num(row.people) }))
  }

  #assemble(
    range: ReportRange,
    sales: SalesRow[],
    paid: MoneyRow[],
    refunded: RefundRow[],
    products: ProductFigures[],
    sessions: SessionFigures[],
    entries: { day: string; hour: number; people: number }[]
  ) {
    const total = <T>(rows: T[], pick: (row: T) => number) => rows.reduce((sum, row) => sum + pick(row), 0)
    const figures = (filter: { day?: string; channel?: string }) => {
      const match = (row: { day: string; channel?: string }) => (!filter.day || row.day === filter.day) && (!filter.channel || row.channel === filter.channel)
      const s = sales.filter(match)
      const p = paid.filter(match)
      const r = refunded.filter(match)
      const paidAmount = total(p, (row) => row.amount)
      const refundedAmount = total(r, (row) => row.amount)
      return {
        orders: total(s, (row) => row.orders),
        tickets: total(s, (row) => row.tickets),
        sales: total(s, (row) => row.sales),
        discounts: total(s, (row) => row.discounts),
        commission: total(s, (row) => row.commission),
        payments: total(p, (row) => row.count),
        paid: paidAmount,
        refunds: total(r, (row) => row.refunds),
        refundedTickets: total(r, (row) => row.tickets),
        refunded: refundedAmount,
        refundFees: total(r, (row) => row.fees),
        net: paidAmount - refundedAmount,
      }
    }
    const channels = [...new Set([...sales, ...paid, ...refunded].map((row) => row.channel))].sort()
    const salesChannels = [...new Set(sales.map((row) => row.sales_channel))].sort()
    const summary = figures({})
    const sold = total(sessions, (row) => row.sold)
    const checkedIn = total(sessions, (row) => row.checkedIn)
    return {
      range: { from: range.from, to: range.to, timezone: VENUE_ZONE, days: range.days.length },
      summary: {
        ...summary,
        entries: total(entries, (row) => row.people),
        refundRate: { amount: rate(summary.refunded, summary.paid), count: rate(summary.refundedTickets, summary.tickets) },
        checkin: { sessions: sessions.length, capacity: total(sessions, (row) => row.capacity), sold, checkedIn, rate: rate(checkedIn, sold) },
      },
      byDay: range.days.map((date) => ({ date, ...figures({ day: date }), entries: total(entries.filter((row) => row.day === date), (row) => row.people) })),
      byChannel: channels.map((channel) => ({ channel, ...figures({ channel }) })),
      bySalesChannel: salesChannels.map((salesChannel) => {
        const rows = sales.filter((row) => row.sales_channel === salesChannel)
        return { salesChannel, orders: total(rows, (row) => row.orders), tickets: total(rows, (row) => row.tickets), sales: total(rows, (row) => row.sales) }
      }),
      byProduct: products,
      topProducts: products.filter((row) => row.tickets > 0).slice(0, TOP_PRODUCTS),
      sessions,
      entriesByHour: Array.from({ length: 24 }, (_, hour) => ({ hour, entries: total(entries.filter((row) => row.hour === hour), (row) => row.people) })),
    }
  }
}
