/*
 * A venue's real-name booking rules (实名制防黄牛) and how they apply to visitor holds:
 * - maxHoldersPerAccount: how many real-name holders an account keeps (frequent_visitors.ts);
 * - maxBookingsPer30Days: a visitor's bookings (holds active or consumed) in the last 30 days;
 * - noShowLimit / noShowBlockDays: that many no-shows within noShowBlockDays days block booking
 *   until the limit-th most recent of them is noShowBlockDays old.
 * Both booking rules need to know who books, so while either is set anonymous holds are refused.
 * The booking count holds under concurrency: the check and the hold run in one transaction that
 * first locks the visitor's row, so one visitor's holds are decided one after another. Venues
 * without a booking count keep the single autocommit hold statement.
 */
import { DateTime } from 'luxon'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import InventoryService, { type Hold, type HoldRequest } from '#inventory/services/inventory_service'
import { runTenantStatement } from '#inventory/services/tenant_sql'
import MemberPricing from '#members/services/member_pricing'
import type { BookingRules } from '#inventory/validators/booking_rules'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

const BOOKING_WINDOW_DAYS = 30

/** Block dates are told in China Standard Time, the venues' clock. */
const VENUE_CLOCK = 'Asia/Shanghai'

/*
 * Every hold reads the rules; a process reuses them this long instead of adding a query to each
 * flash-sale hold. A change made through this process applies at once, elsewhere within this.
 */
const RULES_CACHE_MS = 2_000
const cachedRules = new Map<string, { rules: BookingRules; until: number }>()

const RULES_SQL = `
select max_holders_per_account as "maxHoldersPerAccount", max_bookings_per_30_days as "maxBookingsPer30Days",
       no_show_limit as "noShowLimit", no_show_block_days as "noShowBlockDays",
       real_name_retention_days as "realNameRetentionDays", hold_minutes as "holdMinutes",
       refund_approval as "refundApproval", change_approval as "changeApproval", updated_at as "updatedAt"
from $s.booking_rules`

/** Bookings that can still be used or were: an overdue active hold can no longer be consumed. */
const BOOKINGS_SQL = `
select count(*)::int as bookings from $s.holds
where visitor_id = ? and created_at > now() - make_interval(days => ?)
  and (status = 'consumed' or (status = 'active' and expires_at > now()))`

/** The end of the block: when the limit-th most recent no-show in the window leaves it (no row: not blocked). */
const BLOCKED_UNTIL_SQL = `
select recorded_at + make_interval(days => ?) as "blockedUntil" from $s.visitor_no_shows
where visitor_id = ? and recorded_at > now() - make_interval(days => ?)
order by recorded_at desc offset ? limit 1`

type StoredRules = BookingRules & Required<Pick<BookingRules, 'refundApproval' | 'changeApproval'>> & { updatedAt: Date }
type BestAvailableChoice = Parameters<typeof InventoryService.holdBestAvailable>[2]

/** The venue's booking rules as stored now (in `client`'s transaction when given). */
export async function readBookingRules(tenant: Tenant, client?: QueryClientContract, lock = false): Promise<StoredRules> {
  const [rules] = await runTenantStatement<StoredRules>(tenant, lock ? `${RULES_SQL} for update` : RULES_SQL, [], undefined, client)
  return rules
}

/**
 * Locks the visitor's row until the transaction ends: their limited changes (holders, bookings)
 * are decided one at a time. A statement of its own, so the checks that follow see what the
 * previous holder of the lock committed.
 */
export async function lockVisitor(trx: TenantTransaction, visitorId: number) {
  await trx.rawQuery('select id from visitors where id = ? for update', [visitorId])
}

export default class BookingPolicy {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new BookingPolicy(tenant)
  }

  async rules() {
    return readBookingRules(this.tenant)
  }

  async updateRules(rules: BookingRules) {
    const after = await runInTenant(this.tenant, async (trx) => {
      const before = await readBookingRules(this.tenant, trx, true)
      await trx.from('booking_rules').update({
        max_holders_per_account: rules.maxHoldersPerAccount,
        max_bookings_per_30_days: rules.maxBookingsPer30Days,
        no_show_limit: rules.noShowLimit,
        no_show_block_days: rules.noShowBlockDays,
        real_name_retention_days: rules.realNameRetentionDays,
        hold_minutes: rules.holdMinutes,
        refund_approval: rules.refundApproval ?? before.refundApproval,
        change_approval: rules.changeApproval ?? before.changeApproval,
        updated_at: new Date(),
      })
      const changed = await readBookingRules(this.tenant, trx)
      await auditLog.tenant(trx, { action: 'booking_rules.updated', subjectType: 'booking_rules', before, after: changed })
      return changed
    })
    cachedRules.delete(this.tenant.schemaName) // after commit, so the next hold reads the new rules
    return after
  }

  /** Records that the visitor did not come to a session they had booked (a consumed hold). */
  recordNoShow(visitorId: number, sessionId: number) {
    return runInTenant(this.tenant, async (trx) => {
      if (!(await trx.from('visitors').where('id', visitorId).first())) throw notFound('No such visitor', 'E_VISITOR_NOT_FOUND')
      const session = await trx.from('sessions').where('id', sessionId).select('starts_at').first()
      if (!session) throw invalid('sessionId', 'No such session', 'E_SESSION_NOT_FOUND')
      if (session.starts_at > new Date()) throw invalid('sessionId', 'This session has not started yet', 'E_SESSION_NOT_STARTED')
      const booked = await trx.rawQuery(
        `select 1 from holds h cross join jsonb_array_elements(h.items) i
         where h.visitor_id = ? and h.status = 'consumed' and (i->>'session_id')::bigint = ? limit 1`,
        [visitorId, sessionId]
      )
      if (!booked.rows.length) throw invalid('sessionId', 'This visitor has no booking for this session', 'E_NOT_BOOKED')

      const [noShow] = (
        await trx.rawQuery(
          `insert into visitor_no_shows (visitor_id, session_id) values (?, ?) on conflict (visitor_id, session_id) do nothing
           returning id, visitor_id as "visitorId", session_id as "sessionId", recorded_at as "recordedAt"`,
          [visitorId, sessionId]
        )
      ).rows
      if (!noShow) throw new AppError('This no-show is already recorded', { status: 409, code: 'E_NO_SHOW_EXISTS', field: 'sessionId' })
      await auditLog.tenant(trx, { action: 'visitor.no_show_recorded', subjectType: 'visitor', subjectId: visitorId, after: noShow })
      return noShow
    })
  }

  /** Holds places for a visitor (or an anonymous buyer) as InventoryService.hold does, within the rules. */
  hold(request: Omit<HoldRequest, 'client'>): Promise<Hold> {
    return this.#withinRules(request, (allowed) => this.#memberFirst(allowed, (asked) => InventoryService.hold(this.tenant, asked)))
  }

  /** InventoryService.holdBestAvailable, within the rules. */
  holdBestAvailable(request: Omit<HoldRequest, 'client'>, choice: BestAvailableChoice) {
    return this.#withinRules(request, (allowed) => this.#memberFirst(allowed, (asked) => InventoryService.holdBestAvailable(this.tenant, asked, choice)))
  }

  /**
   * Members' priority booking (会员优先购): a hold refused as not on sale is tried again with the
   * sale starting as much earlier as the visitor's tier allows. Only refused holds ask, so the
   * public's holds (and a flash sale's) cost nothing more.
   */
  async #memberFirst<H>(request: HoldRequest, take: (request: HoldRequest) => Promise<H>): Promise<H> {
    try {
      return await take(request)
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'E_NOT_ON_SALE' || !request.visitorId) throw error
      const early = await MemberPricing.for(this.tenant).priorityMinutes(request.visitorId, request.client)
      if (early === 0) throw error
      return take({ ...request, saleOpensEarlyMinutes: early })
    }
  }

  /**
   * Runs `take` if the rules allow the visitor another booking. With a booking count, `take` runs
   * in the transaction holding the visitor's lock (request.client), so the hold is committed
   * before the visitor's next hold may count their bookings.
   */
  async #withinRules<H>(asked: Omit<HoldRequest, 'client'>, take: (request: HoldRequest) => Promise<H>): Promise<H> {
    const rules = await this.#currentRules()
    const request = { ...asked, minutes: rules.holdMinutes }
    const limit = rules.maxBookingsPer30Days
    // The limits are per visitor of the H5: a distributor's or the box office's sale has no visitor
    // to count (the real-name limits per ID number still apply in the hold).
    if ((limit === null && rules.noShowLimit === null) || (request.channel ?? 'visitor') !== 'visitor') return take(request)

    const visitorId = request.visitorId
    if (!visitorId) {
      throw new AppError('Sign in to book: this venue limits bookings per visitor', { status: 401, code: 'E_SIGN_IN_REQUIRED' })
    }
    if (limit === null) {
      await this.#assertNotBlocked(rules, visitorId)
      return take(request)
    }
    return runInTenant(this.tenant, async (trx) => {
      await lockVisitor(trx, visitorId)
      await this.#assertNotBlocked(rules, visitorId, trx)
      const [{ bookings }] = await runTenantStatement<{ bookings: number }>(this.tenant, BOOKINGS_SQL, [visitorId, BOOKING_WINDOW_DAYS], undefined, trx)
      if (bookings >= limit) {
        throw new AppError(`This venue allows ${limit} bookings per visitor in ${BOOKING_WINDOW_DAYS} days, and you have reached it`, {
          status: 409,
          code: 'E_BOOKING_LIMIT',
          meta: { limit },
        })
      }
      return take({ ...request, client: trx })
    })
  }

  async #currentRules(): Promise<BookingRules> {
    const cached = cachedRules.get(this.tenant.schemaName)
    if (cached && cached.until > Date.now()) return cached.rules
    const rules = await readBookingRules(this.tenant)
    cachedRules.set(this.tenant.schemaName, { rules, until: Date.now() + RULES_CACHE_MS })
    return rules
  }

  async #assertNotBlocked(rules: BookingRules, visitorId: number, client?: QueryClientContract) {
    if (rules.noShowLimit === null) return
    const days = rules.noShowBlockDays
    const [blocked] = await runTenantStatement<{ blockedUntil: Date }>(
      this.tenant,
      BLOCKED_UNTIL_SQL,
      [days, visitorId, days, rules.noShowLimit - 1],
      undefined,
      client
    )
    if (!blocked) return
    const until = DateTime.fromJSDate(blocked.blockedUntil).setZone(VENUE_CLOCK)
    throw new AppError(
      `You missed ${rules.noShowLimit} booked visits within ${days} days: booking is blocked until ${until.toFormat('yyyy-MM-dd HH:mm')} (Beijing time)`,
      { status: 409, code: 'E_BOOKING_BLOCKED', meta: { blockedUntil: until.toISO() } }
    )
  }
}
