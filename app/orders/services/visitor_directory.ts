/*
 * Visitors (游客) as staff look them up: by phone (the whole number or its last digits, on the
 * account or as an order's contact) or by name (the account's, or an order's contact). Phones are
 * shown masked here: staff see a visitor's full contact phone on one order, where it is needed.
 */
import { notFound } from '#core/app_error'
import { maskPhone } from '#orders/services/holder_identity'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'
import type { VisitorSearch } from '#orders/validators/visitor_search'

/** LIKE's wildcards in what staff typed match themselves. */
const literal = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`)

/** Per visitor: orders, what they paid, the last order, no-shows. */
function visitorRows(trx: TenantTransaction) {
  return trx
    .from('visitors as v')
    .select(
      'v.id',
      'v.display_name',
      'v.phone',
      'v.email',
      'v.status',
      'v.created_at',
      trx.raw('(select count(*)::int from orders o where o.visitor_id = v.id) as order_count'),
      trx.raw("(select coalesce(sum(o.paid_amount - o.refunded_amount), 0)::int from orders o where o.visitor_id = v.id) as spent"),
      trx.raw('(select max(o.created_at) from orders o where o.visitor_id = v.id) as last_order_at'),
      trx.raw('(select count(*)::int from visitor_no_shows n where n.visitor_id = v.id) as no_show_count')
    )
}

function present(row: Record<string, any>) {
  return {
    id: Number(row.id),
    displayName: row.display_name as string | null,
    phone: maskPhone(row.phone),
    email: row.email as string | null,
    status: row.status as string,
    createdAt: row.created_at as Date,
    orderCount: row.order_count as number,
    spent: row.spent as number,
    lastOrderAt: row.last_order_at as Date | null,
    noShowCount: row.no_show_count as number,
  }
}

export default class VisitorDirectory {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new VisitorDirectory(tenant)
  }

  search(filters: VisitorSearch) {
    const page = filters.page ?? 1
    const perPage = filters.perPage ?? 20
    return runInTenant(this.tenant, async (trx) => {
      const query = visitorRows(trx).orderBy('v.created_at', 'desc').orderBy('v.id', 'desc')
      const q = filters.q
      if (q && /^\+?\d{4,20}$/.test(q)) {
        // A phone, or the last digits of one.
        const pattern = `%${literal(q)}`
        query.where((where) =>
          where
            .where('v.phone', 'like', pattern)
            .orWhereIn('v.id', trx.from('orders').where('contact_phone', 'like', pattern).whereNotNull('visitor_id').select('visitor_id'))
        )
      } else if (q) {
        const pattern = `%${literal(q)}%`
        query.where((where) =>
          where
            .whereILike('v.display_name', pattern)
            .orWhereILike('v.email', pattern)
            .orWhereIn('v.id', trx.from('orders').whereILike('contact_name', pattern).whereNotNull('visitor_id').select('visitor_id'))
        )
      }
      const total = Number((await query.clone().clearSelect().clearOrder().count('* as total').firstOrFail()).total)
      const rows = await query.offset((page - 1) * perPage).limit(perPage)
      return { meta: { total, page, perPage }, data: rows.map(present) }
    })
  }

  /**
   * A visitor with their latest orders, recorded no-shows, and the sessions they booked that have
   * started and have no no-show yet (what staff may record one for, as booking_policy.ts checks).
   */
  show(id: number) {
    return runInTenant(this.tenant, async (trx) => {
      const row = await visitorRows(trx).where('v.id', id).first()
      if (!row) throw notFound('No such visitor', 'E_VISITOR_NOT_FOUND')
      const orders = await trx
        .from('orders')
        .where('visitor_id', id)
        .orderBy('created_at', 'desc')
        .limit(100)
        .select('number', 'status', 'sales_channel', 'contact_name', 'total_amount', 'paid_amount', 'refunded_amount', 'created_at')
      const noShows = await trx
        .from('visitor_no_shows as n')
        .join('sessions as s', 's.id', 'n.session_id')
        .where('n.visitor_id', id)
        .orderBy('n.recorded_at', 'desc')
        .select('n.id', 'n.session_id', 's.name as session_name', 's.starts_at', 'n.recorded_at')
      const { rows: missable } = await trx.rawQuery(
        `select distinct s.id, s.name, s.starts_at from holds h
         cross join jsonb_array_elements(h.items) i
         join sessions s on s.id = (i->>'session_id')::bigint
         where h.visitor_id = ? and h.status = 'consumed' and s.starts_at <= now()
           and not exists (select 1 from visitor_no_shows n where n.visitor_id = h.visitor_id and n.session_id = s.id)
         order by s.starts_at desc limit 50`,
        [id]
      )
      return {
        visitor: present(row),
        orders: orders.map((order) => ({
          number: order.number,
          status: order.status,
          salesChannel: order.sales_channel,
          contactName: order.contact_name,
          totalAmount: order.total_amount,
          paidAmount: order.paid_amount,
          refundedAmount: order.refunded_amount,
          createdAt: order.created_at,
        })),
        noShows: noShows.map((noShow) => ({
          id: Number(noShow.id),
          sessionId: Number(noShow.session_id),
          sessionName: noShow.session_name,
          startsAt: noShow.starts_at,
          recordedAt: noShow.recorded_at,
        })),
        startedSessions: (missable as Record<string, any>[]).map((session) => ({ id: Number(session.id), name: session.name as string | null, startsAt: session.starts_at as Date })),
      }
    })
  }
}
