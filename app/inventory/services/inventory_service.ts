/*
 * The only code that changes capacity. Every change is ONE SQL statement that locks the quota
 * rows it needs (in id order, so concurrent holds never deadlock on each other), checks them and
 * changes them, so no interleaving can oversell; the quotas table's CHECK constraint stands
 * behind it. A hold either takes everything it asked for or nothing.
 *
 *   hold     active hold: quotas.held += n, seats 'held', real-name claims taken; a voucher's
 *            hold first takes what it can from its reserve (quotas.reserved -= r, docs/members.md)
 *   release  (visitor or staff)  held -= n, seats available, claims dropped, reserve back
 *   expire   (job, and lazily when a request finds a session sold out)  same as release
 *   consume  (an order is paid)   held -= n, sold += n, seats 'sold', claims kept
 *   giveBack (tickets refunded or changed away)  sold -= n, seats available, their claims dropped
 */
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { AppError } from '#core/app_error'
import { runTenantStatement } from '#inventory/services/tenant_sql'
import { bestAvailable } from '#inventory/services/best_available'
import SeatMapService from '#catalog/services/seat_map_service'
import type Tenant from '#tenancy/models/tenant'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'

export const DEFAULT_HOLD_MINUTES = 15

export interface HoldItem {
  productId: number
  sessionId: number
  quantity: number
}

export interface HoldRequest {
  items: HoldItem[]
  /** Reserved seating: the chosen seats of a session. */
  seats?: { sessionId: number; seatId: number }[]
  /** Real-name holders: the keyed hash of each holder's ID number, per item. */
  claims?: { item: number; idHash: string }[]
  visitorId?: number | null
  channel?: string
  minutes?: number
  /** A member's priority window (会员优先购): the products' sale starts this many minutes earlier for this hold. */
  saleOpensEarlyMinutes?: number
  /** Run inside this transaction (e.g. one that locked the visitor to enforce booking limits). */
  client?: QueryClientContract
  /** The coupon campaign of the buyer's voucher: its reserved places (预留名额) are taken first. */
  voucherCampaignId?: number
}

export interface SoldTicket {
  /** The hold the ticket was sold from (its real-name claim is kept under it). */
  holdId: string
  productId: number
  sessionId: number
  seatId?: number | null
  idHash?: string | null
}

export interface Hold {
  id: string
  expiresAt: Date
}

type Tenantish = Tenant

const HOLD_SQL = `
with req as (
  select * from jsonb_to_recordset(?::jsonb) as r(item int, product_id bigint, session_id bigint, qty int)
),
-- A package (套票) also draws on each part's capacity in the same session.
draws as (
  select r.item, r.product_id, r.session_id, r.qty from req r
  union all
  select r.item, pp.part_id, r.session_id, r.qty * pp.quantity from req r join $s.package_parts pp on pp.package_id = r.product_id
),
need as (
  select q.id as quota_id, sum(d.qty)::int as qty
  from draws d
  join $s.quota_products qp on qp.product_id = d.product_id
  join $s.quotas q on q.id = qp.quota_id and q.session_id = d.session_id
  group by q.id
),
seat_req as (
  select * from jsonb_to_recordset(?::jsonb) as s(session_id bigint, seat_id bigint)
),
claim_req as (
  select * from jsonb_to_recordset(?::jsonb) as c(item int, id_hash text)
),
unsellable as (
  select coalesce(array_agg(r.item order by r.item), '{}') as items from req r
  left join $s.products p on p.id = r.product_id
  left join $s.sessions s on s.id = r.session_id
  where p.id is null or s.id is null or p.status <> 'on_sale' or s.status <> 'open'
     or (p.sale_starts_at is not null and now() + make_interval(mins => ?::int) < p.sale_starts_at)
     or (p.sale_ends_at is not null and now() >= p.sale_ends_at)
     or now() >= case when s.kind = 'performance' then s.starts_at else s.ends_at end
     or r.qty < p.min_per_order or r.qty > p.max_per_order
     -- A voucher-only product: only with a code whose campaign names it.
     or (p.requires_voucher and not exists (
           select 1 from $s.coupon_campaigns c where c.id = ?::bigint and c.product_ids @> jsonb_build_array(p.id)))
     -- Reserved seating: exactly one chosen seat per ticket of the session.
     or (p.seating = 'reserved' and (select count(*) from seat_req sr where sr.session_id = r.session_id) <> (
           select sum(r2.qty) from req r2 join $s.products p2 on p2.id = r2.product_id
           where p2.seating = 'reserved' and r2.session_id = r.session_id))
     -- Real-name tickets, and those limited per ID number: one holder per ticket.
     or ((p.real_name_required or p.id_limit_scope <> 'none') and (select count(*) from claim_req c where c.item = r.item) <> r.qty)
     or not exists (
       select 1 from $s.quota_products qp join $s.quotas q on q.id = qp.quota_id
       where qp.product_id = r.product_id and q.session_id = r.session_id)
),
locked as (
  select q.id, q.capacity - q.held - q.sold - q.reserved as free
  from $s.quotas q where q.id in (select quota_id from need)
  order by q.id for update
),
-- The voucher's reserve on these quotas (no rows without a voucher): what it can give this hold.
-- Locked once all the quotas are (every change to a reserve holds its quota's lock first).
reserve as (
  select vr.id, vr.quota_id, least(vr.places, n.qty) as take
  from $s.voucher_reserves vr join need n on n.quota_id = vr.quota_id
  where vr.campaign_id = ?::bigint and vr.places > 0 and (select count(*) from locked) > 0
  for update of vr
),
seats_locked as (
  select ss.session_id, ss.seat_id, ss.status from $s.session_seats ss
  join seat_req sr on sr.session_id = ss.session_id and sr.seat_id = ss.seat_id
  order by ss.session_id, ss.seat_id for update of ss
),
verdict as (
  select cardinality((select items from unsellable)) = 0
     and coalesce((select bool_and(l.free + coalesce(r.take, 0) >= n.qty)
                   from locked l join need n on n.quota_id = l.id left join reserve r on r.quota_id = l.id), false)
     and (select count(*) from seats_locked where status = 'available') = (select count(*) from seat_req)
     as ok
),
taken as (
  update $s.quotas q set held = q.held + n.qty, reserved = q.reserved - coalesce(r.take, 0), updated_at = now()
  from need n left join reserve r on r.quota_id = n.quota_id
  where q.id = n.quota_id and (select ok from verdict)
  returning q.id, n.qty, r.id as reserve_id, r.take
),
reserve_taken as (
  update $s.voucher_reserves vr set places = vr.places - r.take
  from reserve r where vr.id = r.id and (select ok from verdict)
),
hold as (
  insert into $s.holds (id, visitor_id, channel, expires_at, items, quotas)
  select ?::uuid, ?::bigint, ?, now() + make_interval(mins => ?::int),
         (select jsonb_agg(jsonb_build_object('product_id', product_id, 'session_id', session_id, 'quantity', qty) order by item) from req),
         (select coalesce(jsonb_agg(jsonb_build_object('quota_id', id, 'quantity', qty)
                  || case when reserve_id is null then '{}'::jsonb else jsonb_build_object('reserve_id', reserve_id, 'reserved', take) end), '[]')
          from taken)
  where (select ok from verdict)
  returning id, expires_at
),
seats as (
  update $s.session_seats ss set status = 'held', hold_id = ?::uuid
  from seat_req sr where ss.session_id = sr.session_id and ss.seat_id = sr.seat_id and (select ok from verdict)
),
-- One ID, one ticket per session or per day: the primary key refuses a second claim, aborting everything.
claims as (
  insert into $s.real_name_claims (scope, id_hash, hold_id)
  select case p.id_limit_scope
           when 'session' then 'session:' || s.id
           else 'day:' || s.site_id || ':' || (s.starts_at at time zone site.timezone)::date
         end, c.id_hash, ?::uuid
  from claim_req c
  join req r on r.item = c.item
  join $s.products p on p.id = r.product_id
  join $s.sessions s on s.id = r.session_id
  join $s.sites site on site.id = s.site_id
  where p.id_limit_scope <> 'none' and (select ok from verdict)
)
select (select ok from verdict) as ok,
       (select items from unsellable) as unsellable,
       (select expires_at from hold) as expires_at,
       -- What each item could still get: its tightest quota, per unit of the item.
       (select coalesce(json_agg(json_build_object('item', x.item, 'remaining', greatest(x.remaining, 0)) order by x.item), '[]') from (
          select d.item, min(floor(l.free::numeric * r.qty / d.qty))::int as remaining
          from draws d join req r on r.item = d.item
          join $s.quota_products qp on qp.product_id = d.product_id
          join $s.quotas q on q.id = qp.quota_id and q.session_id = d.session_id
          join locked l on l.id = q.id
          group by d.item) x) as remaining,
       (select coalesce(json_agg(json_build_object('session_id', session_id, 'seat_id', seat_id)), '[]')
          from seats_locked where status <> 'available') as taken_seats,
       (select count(*)::int from seat_req) - (select count(*)::int from seats_locked) as unknown_seats,
       -- Overdue holds still counted on these quotas (worth a sweep before saying "sold out").
       (not (select ok from verdict)) and exists (
         select 1 from $s.holds h cross join jsonb_array_elements(h.quotas) t
         where h.status = 'active' and h.expires_at <= now() and (t->>'quota_id')::bigint in (select quota_id from need)) as overdue
`

/*
 * The flash-sale shape (one item of a product with one quota in that session, no seats, no
 * real-name claims): one conditional update of the quota row plus the hold's insert, the sale
 * checks as plain joins. Anything else, and any refusal, goes through HOLD_SQL, which also says
 * precisely why a hold cannot be made.
 */
const SIMPLE_HOLD_SQL = `
with target as (
  select q.id as quota_id from $s.quota_products qp
  join $s.quotas q on q.id = qp.quota_id and q.session_id = ?::bigint
  join $s.products p on p.id = qp.product_id
  join $s.sessions s on s.id = q.session_id
  where qp.product_id = ?::bigint and p.status = 'on_sale' and s.status = 'open'
    and (p.sale_starts_at is null or now() >= p.sale_starts_at) and (p.sale_ends_at is null or now() < p.sale_ends_at)
    and now() < case when s.kind = 'performance' then s.starts_at else s.ends_at end
    and ?::int between p.min_per_order and p.max_per_order and p.id_limit_scope = 'none' and p.seating = 'general'
    and not p.real_name_required and not p.requires_voucher
    and not exists (select 1 from $s.package_parts pp where pp.package_id = p.id)
),
taken as (
  update $s.quotas q set held = q.held + ?::int, updated_at = now()
  where q.id = (select quota_id from target) and (select count(*) from target) = 1 and q.capacity - q.held - q.sold - q.reserved >= ?::int
  returning q.id
)
insert into $s.holds (id, visitor_id, channel, expires_at, items, quotas)
select ?::uuid, ?::bigint, ?, now() + make_interval(mins => ?::int),
       jsonb_build_array(jsonb_build_object('product_id', ?::bigint, 'session_id', ?::bigint, 'quantity', ?::int)),
       jsonb_build_array(jsonb_build_object('quota_id', id, 'quantity', ?::int))
from taken
returning expires_at
`

/** Ends holds (given ids, or every overdue one) and gives their capacity, seats and claims back. */
const END_HOLDS_SQL = (selection: string) => `
with ended as (
  update $s.holds h set status = ?, ended_at = now()
  where h.id in (${selection}) and h.status = 'active'
  returning h.id, h.quotas
),
back as (
  select (t->>'quota_id')::bigint as quota_id, sum((t->>'quantity')::int)::int as qty
  from ended e cross join jsonb_array_elements(e.quotas) t group by 1
),
locked as (
  select q.id from $s.quotas q where q.id in (select quota_id from back) order by q.id for update
),
-- A voucher hold's places taken from its reserve go back into it if the reserve is still there
-- (one lowered to nothing, or its campaign disabled, was deleted: they go to general sale then).
reserve_ended as (
  select (t->>'reserve_id')::bigint as reserve_id, sum((t->>'reserved')::int)::int as qty
  from ended e cross join jsonb_array_elements(e.quotas) t where t->>'reserve_id' is not null group by 1
),
reserve_back as (
  select vr.id, vr.quota_id, re.qty from reserve_ended re
  join $s.voucher_reserves vr on vr.id = re.reserve_id
  where (select count(*) from locked) > 0
  for update of vr
),
reserves_returned as (
  update $s.voucher_reserves vr set places = vr.places + rb.qty from reserve_back rb where vr.id = rb.id
),
returned as (
  update $s.quotas q set held = q.held - b.qty, updated_at = now(),
    reserved = q.reserved + coalesce((select sum(rb.qty) from reserve_back rb where rb.quota_id = q.id), 0)
  from back b where q.id = b.quota_id and exists (select 1 from locked)
),
seats as (
  update $s.session_seats set status = 'available', hold_id = null where hold_id in (select id from ended)
),
claims as (
  delete from $s.real_name_claims where hold_id in (select id from ended)
)
select count(*)::int as ended from ended
`

const RELEASE_SQL = END_HOLDS_SQL('?::uuid')
const EXPIRE_SQL = END_HOLDS_SQL(
  `select id from $s.holds where status = 'active' and expires_at <= now() order by expires_at limit 1000 for update skip locked`
)

/*
 * A voucher campaign past its validity keeps no places aside: its reserves go back to general sale.
 * The quotas are locked first, in id order as holds lock them, so a voucher hold running at the same
 * time either took its places before or finds the reserve gone.
 */
const RELEASE_LAPSED_RESERVES_SQL = `
with lapsed as (
  select vr.id, vr.quota_id from $s.voucher_reserves vr
  join $s.coupon_campaigns c on c.id = vr.campaign_id
  where c.valid_until is not null and c.valid_until <= now()
),
locked as (
  select q.id from $s.quotas q where q.id in (select quota_id from lapsed) order by q.id for update
),
gone as (
  delete from $s.voucher_reserves vr using lapsed l
  where vr.id = l.id and (select count(*) from locked) > 0
  returning vr.quota_id, vr.places
),
returned as (
  update $s.quotas q set reserved = q.reserved - g.places, updated_at = now()
  from (select quota_id, sum(places)::int as places from gone group by quota_id) g
  where q.id = g.quota_id
)
select count(*)::int as released from gone`

const CONSUME_SQL = `
with consumed as (
  update $s.holds h set status = 'consumed', ended_at = now()
  where h.id = ?::uuid and h.status = 'active' and h.expires_at > now()
  returning h.id, h.quotas
),
moved as (
  select (t->>'quota_id')::bigint as quota_id, (t->>'quantity')::int as quantity from consumed c cross join jsonb_array_elements(c.quotas) t
),
locked as (
  select q.id from $s.quotas q where q.id in (select quota_id from moved) order by q.id for update
),
sold as (
  update $s.quotas q set held = q.held - m.quantity, sold = q.sold + m.quantity, updated_at = now()
  from moved m where q.id = m.quota_id and exists (select 1 from locked)
),
seats as (
  update $s.session_seats set status = 'sold', hold_id = null where hold_id in (select id from consumed)
)
select count(*)::int as consumed from consumed
`

/*
 * Sold tickets going back on sale (refunded, or moved by a change): each ticket gives back one
 * place in every quota of its product in its session (and of its package's parts), its seat and
 * its holder's real-name claim. The quotas are found as the hold found them (quota_products).
 */
const GIVE_BACK_SQL = `
with tickets as (
  select * from jsonb_to_recordset(?::jsonb) as t(product_id bigint, session_id bigint, seat_id bigint, id_hash text, hold_id uuid)
),
draws as (
  select t.product_id, t.session_id, 1 as qty from tickets t
  union all
  select pp.part_id, t.session_id, pp.quantity from tickets t join $s.package_parts pp on pp.package_id = t.product_id
),
back as (
  select q.id as quota_id, sum(d.qty)::int as qty from draws d
  join $s.quota_products qp on qp.product_id = d.product_id
  join $s.quotas q on q.id = qp.quota_id and q.session_id = d.session_id
  group by q.id
),
locked as (
  select q.id from $s.quotas q where q.id in (select quota_id from back) order by q.id for update
),
returned as (
  update $s.quotas q set sold = q.sold - b.qty, updated_at = now()
  from back b where q.id = b.quota_id and exists (select 1 from locked)
),
seats as (
  update $s.session_seats ss set status = 'available', hold_id = null
  from tickets t where ss.session_id = t.session_id and ss.seat_id = t.seat_id and ss.status = 'sold'
),
claims as (
  delete from $s.real_name_claims c using tickets t
  where c.hold_id = t.hold_id and c.id_hash = t.id_hash
)
select count(*)::int as tickets from tickets
`

const DEADLOCK = '40P01'
const CHECK_VIOLATION = '23514'
const UNIQUE_VIOLATION = '23505'

/**
 * Retries a statement that PostgreSQL aborted without it being wrong:
 * - a deadlock (e.g. an expiry sweep against a hold);
 * - a CHECK violation computed from a stale row. Under READ COMMITTED an UPDATE builds the new row
 *   from its snapshot's version and checks constraints BEFORE it notices a concurrent commit and
 *   re-evaluates against the latest version; the locked, re-checked path would have been fine. A
 *   fresh snapshot settles it; a real violation (a bug) still surfaces after the last attempt.
 */
async function withStatementRetry<T>(
  work: (client?: QueryClientContract) => Promise<T>,
  client?: QueryClientContract,
  attempts = 4
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Inside a caller's transaction each attempt gets a savepoint: a failed statement aborts
      // the transaction, and only rolling back to the savepoint lets the next attempt run.
      return client ? await client.transaction((savepoint) => work(savepoint)) : await work()
    } catch (error: any) {
      const retriable = error?.code === DEADLOCK || error?.code === CHECK_VIOLATION
      if (!retriable || attempt >= attempts) throw error
    }
  }
}

export class SoldOutError extends AppError {
  constructor(message: string, meta: Record<string, unknown>, field = 'items') {
    super(message, { status: 409, code: 'E_SOLD_OUT', field, meta })
  }
}

/**
 * One best-available choice per session at a time in this process, queued in memory, so waiting
 * buyers do not each hold a pooled connection while another one chooses; the advisory lock taken
 * inside orders the processes among themselves.
 */
const seatChoiceQueues = new Map<string, Promise<unknown>>()
function inSeatChoiceQueue<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = seatChoiceQueues.get(key) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(work)
  seatChoiceQueues.set(key, next)
  next.finally(() => seatChoiceQueues.get(key) === next && seatChoiceQueues.delete(key)).catch(() => {})
  return next
}

export default class InventoryService {
  /** Reserves capacity (and seats, and real-name claims) for `minutes`; all or nothing. */
  static async hold(tenant: Tenantish, request: HoldRequest, attempt = 1): Promise<Hold> {
    const id = crypto.randomUUID()
    const minutes = request.minutes ?? DEFAULT_HOLD_MINUTES
    if (request.items.length === 1 && !request.seats?.length && !request.claims?.length && !request.voucherCampaignId) {
      const [item] = request.items
      const [held] = await withStatementRetry((client) =>
        runTenantStatement<{ expires_at: Date }>(
          tenant,
          SIMPLE_HOLD_SQL,
          [item.sessionId, item.productId, item.quantity, item.quantity, item.quantity, id, request.visitorId ?? null, request.channel ?? 'visitor', minutes, item.productId, item.sessionId, item.quantity, item.quantity],
          'inventory_simple_hold',
          client
        ),
        request.client
      )
      if (held) return { id, expiresAt: new Date(held.expires_at) }
    }
    const items = request.items.map((item, index) => ({ item: index, product_id: item.productId, session_id: item.sessionId, qty: item.quantity }))
    const seats = (request.seats ?? []).map((seat) => ({ session_id: seat.sessionId, seat_id: seat.seatId }))
    const claims = (request.claims ?? []).map((claim) => ({ item: claim.item, id_hash: claim.idHash }))

    let row: any
    try {
      ;[row] = await withStatementRetry((client) =>
        runTenantStatement(tenant, HOLD_SQL, [
          JSON.stringify(items),
          JSON.stringify(seats),
          JSON.stringify(claims),
          request.saleOpensEarlyMinutes ?? 0,
          request.voucherCampaignId ?? null,
          request.voucherCampaignId ?? null,
          id, request.visitorId ?? null, request.channel ?? 'visitor', minutes,
          id, id,
        ], 'inventory_hold', client),
        request.client
      )
    } catch (error: any) {
      if (error?.code === UNIQUE_VIOLATION && /real_name_claims/.test(error.message)) {
        throw new AppError('This ID number already has a ticket for this session or day', {
          status: 409,
          code: 'E_ID_ALREADY_BOOKED',
          field: 'holders',
        })
      }
      throw error
    }
    if (row.ok) return { id, expiresAt: new Date(row.expires_at) }

    if (row.unsellable.length) {
      const index = row.unsellable[0]
      throw new AppError(
        'This ticket cannot be held as asked: it is not on sale for this session (closed, past or outside its sale window), the quantity is outside its order limits, or it needs one seat or one real-name holder per ticket',
        {
          status: 422,
          code: 'E_NOT_ON_SALE',
          field: `items.${index}`,
        }
      )
    }
    if (row.unknown_seats > 0) {
      throw new AppError('Some of these seats do not exist in this session', { status: 422, code: 'E_UNKNOWN_SEAT', field: 'seats' })
    }
    if (row.taken_seats.length) {
      throw new SoldOutError('Some of these seats were just taken; please choose others', { takenSeats: row.taken_seats.map((s: any) => s.seat_id) }, 'seats')
    }
    // Capacity ran out, but overdue holds still count on it: sweep them and try once more.
    // (On the caller's transaction, if any: it already holds these quota rows' locks.)
    if (attempt === 1 && row.overdue && (await InventoryService.expire(tenant, request.client)) > 0) return InventoryService.hold(tenant, request, 2)
    throw new SoldOutError('Sold out: not enough places left', { remaining: row.remaining })
  }

  /**
   * Holds the best seats still free together (or the fewest-row split) for a reserved session.
   * Best-available buyers of one session take turns (an advisory lock for the length of their
   * transaction), so each chooses from what the previous one left instead of all colliding on the
   * same "best" seats; a buyer who picked seats by hand may still take them first, and then the
   * choice is made again.
   */
  static async holdBestAvailable(tenant: Tenantish, request: HoldRequest, choice: { sessionId: number; accessible?: boolean }) {
    const count = request.items.filter((item) => item.sessionId === choice.sessionId).reduce((sum, item) => sum + item.quantity, 0)
    const key = `best-seats:${tenant.schemaName}:${choice.sessionId}`
    const choose = async (trx: TenantTransaction) => {
      await trx.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [key])
      // Read in the same transaction: a second pooled connection per waiting buyer would starve the pool.
      const seats = await SeatMapService.for(tenant).sessionSeats(choice.sessionId, trx)
      const chosen = bestAvailable(seats.map((seat) => ({ ...seat, available: seat.status === 'available' })), count, { accessible: choice.accessible })
      if (!chosen) {
        const left = seats.filter((seat) => seat.status === 'available').length
        throw new SoldOutError(`Only ${left} seats are left for this session`, { remaining: left }, 'bestAvailable')
      }
      const seatRequest = chosen.map((seat) => ({ sessionId: choice.sessionId, seatId: seat.id }))
      const hold = await InventoryService.hold(tenant, { ...request, seats: seatRequest, client: trx })
      return { ...hold, seats: chosen.map(({ id, section, row, label }) => ({ id, section, row, label })) }
    }
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        // A caller's transaction (booking limits) already holds a connection: choose in it, on a
        // savepoint so a lost race can be retried; otherwise queue, then open one.
        const within = request.client as TenantTransaction | undefined
        return within
          ? await within.transaction((savepoint) => choose(Object.assign(savepoint, { tenantSchema: within.tenantSchema })))
          : await inSeatChoiceQueue(key, () => runInTenant(tenant, choose))
      } catch (error) {
        if (!(error instanceof SoldOutError) || error.field !== 'seats') throw error
      }
    }
    throw new SoldOutError('Seats are selling fast and the best ones were just taken; please try again', {}, 'bestAvailable')
  }

  /** Ends an active hold early; false if it was not active (already ended or unknown). */
  static async release(tenant: Tenantish, holdId: string): Promise<boolean> {
    const [row] = await withStatementRetry(() => runTenantStatement<{ ended: number }>(tenant, RELEASE_SQL, ['released', holdId], 'inventory_release'))
    return row.ended > 0
  }

  /** Ends every overdue hold of the tenant (at most 1,000 per call); returns how many. */
  static async expire(tenant: Tenantish, within?: QueryClientContract): Promise<number> {
    const [row] = await withStatementRetry(
      (client) => runTenantStatement<{ ended: number }>(tenant, EXPIRE_SQL, ['expired'], 'inventory_expire', client),
      within
    )
    return row.ended
  }

  /** Gives the reserves of voucher campaigns past their validity back to general sale; how many. */
  static async releaseLapsedReserves(tenant: Tenantish): Promise<number> {
    const [row] = await withStatementRetry((client) =>
      runTenantStatement<{ released: number }>(tenant, RELEASE_LAPSED_RESERVES_SQL, [], 'inventory_release_lapsed_reserves', client)
    )
    return row.released
  }

  /**
   * Turns an active, unexpired hold into sold capacity (its order was paid); false otherwise.
   * Inside `within` (the order's transaction) both commit together.
   */
  static async consume(tenant: Tenantish, holdId: string, within?: QueryClientContract): Promise<boolean> {
    const [row] = await withStatementRetry(
      (client) => runTenantStatement<{ consumed: number }>(tenant, CONSUME_SQL, [holdId], 'inventory_consume', client),
      within
    )
    return row.consumed > 0
  }

  /** Puts sold tickets back on sale, in the caller's transaction. */
  static async giveBack(tenant: Tenantish, tickets: SoldTicket[], within: QueryClientContract): Promise<void> {
    if (!tickets.length) return
    const rows = tickets.map((ticket) => ({
      product_id: ticket.productId,
      session_id: ticket.sessionId,
      seat_id: ticket.seatId ?? null,
      id_hash: ticket.idHash ?? null,
      hold_id: ticket.holdId,
    }))
    await withStatementRetry((client) => runTenantStatement(tenant, GIVE_BACK_SQL, [JSON.stringify(rows)], 'inventory_give_back', client), within)
  }
}
