/*
 * Annual and season passes (年卡): issued with their order, activated, renewed, suspended,
 * revoked and extended. The rules of what a pass allows are pure (pass_rules.ts); the gate asks
 * pass_gate.ts. docs/passes.md describes the API.
 *
 * - Issue: when an order is issued, every valid ticket of a pass product gets its pass, pending
 *   activation until `activationWindowDays` after purchase (pass_rules.ts says how it starts).
 * - Refund: before its first entry a pass can be refunded like any open-date ticket (tiers count
 *   back from the end of its validity, or from its activation deadline while pending); the refund
 *   revokes it. Once used, its ticket is used and refunds follow the ticket rules (not refundable).
 * - Renewal (续卡): a ticketless order (ticketless_orders.ts) at the renewal price; when it is paid
 *   the pass gets one more period from the later of now and its expiry (and another period's entries).
 * - Staff suspend (and resume), revoke and extend a pass, each with a reason, audited.
 */
import { DateTime } from 'luxon'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { idNumberHash } from '#inventory/services/real_name'
import type Order from '#orders/models/order'
import { maskName, maskPhone } from '#orders/services/holder_identity'
import type { Actor } from '#orders/services/order_events'
import { placeTicketlessOrder, waitingOrder } from '#orders/services/ticketless_orders'
import { actorLabel } from '#orders/services/refund_service'
import { encodeTicketCode } from '#tickets/services/ticket_codes'
import { TicketKeys } from '#tickets/services/ticket_keys'
import { passForEntry } from '#members/services/pass_gate'
import { passState, renewalRefusal, renewedUntil, validityEnd, type PassRules, type PassStatus } from '#members/services/pass_rules'
import { webhookEvents } from '#members/services/webhook_events'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

const PASS_COLUMNS = [
  'ps.*', 'p.name as product_name', 'p.pass_rules', 'p.reentry', 'site.timezone',
  't.status as ticket_status', 't.entries_used', 't.secret_serial', 't.holder_name', 't.holder_id_masked', 't.holder_phone',
  'o.number as order_number', 'o.contact_phone',
]

function passesWithTickets(trx: TenantTransaction) {
  return trx
    .from('passes as ps')
    .join('order_tickets as t', 't.id', 'ps.ticket_id')
    .join('products as p', 'p.id', 'ps.product_id')
    .join('sites as site', 'site.id', 'p.site_id')
    .join('orders as o', 'o.id', 'ps.order_id')
}

/** A pass as staff and holders see it: its state now, validity, entries left, holder masked. */
function present(row: any, now = new Date()) {
  const rules: PassRules = row.pass_rules
  const state = passState(passForEntry(row), rules, row.timezone, now)
  // A refunded (or otherwise ended) ticket ends its pass; a refund still under review does not yet.
  const usable = !['refunded', 'changed', 'void'].includes(row.ticket_status)
  return {
    id: Number(row.id),
    ticketId: Number(row.ticket_id),
    order: row.order_number as string,
    product: { id: Number(row.product_id), name: row.product_name as string },
    status: (usable ? state.status : 'revoked') as PassStatus,
    statusReason: row.status_reason as string | null,
    holder: { name: maskName(row.holder_name), idMasked: row.holder_id_masked as string | null, phone: maskPhone(row.holder_phone ?? row.contact_phone) },
    activateBy: row.activate_by as Date,
    activatedAt: state.activatedAt,
    validUntil: state.validUntil,
    /** The last valid day (venue time). */
    lastDay: state.validUntil ? DateTime.fromJSDate(state.validUntil).setZone(row.timezone).minus({ days: 1 }).toISODate() : null,
    entriesUsed: row.entries_used as number,
    entriesLeft: row.entries_allowed === null ? null : Math.max(row.entries_allowed - row.entries_used, 0),
    rules: { activation: rules.activation, validity: rules.validity, oncePerSitePerDay: rules.oncePerSitePerDay, blackoutDates: rules.blackoutDates, siteIds: rules.siteIds },
    renewal: rules.renewal ? { price: rules.renewal.price, refusal: renewalRefusal(passForEntry(row), rules, row.timezone, now) } : null,
  }
}

async function passEvent(trx: TenantTransaction, passId: number, type: string, actor: Actor, reason: string | null, data: Record<string, unknown> = {}) {
  await trx.table('pass_events').insert({ pass_id: passId, type, actor: actorLabel(actor), reason, data: JSON.stringify(data) })
}

/** The order was just issued (checkout.ts issueOrder, in its transaction): its pass tickets get their passes. */
export async function issuePasses(trx: TenantTransaction, order: Order) {
  const { rows } = await trx.rawQuery(
    `insert into passes (ticket_id, order_id, product_id, visitor_id, activate_by, entries_allowed)
     select t.id, t.order_id, t.product_id, o.visitor_id, now() + make_interval(days => (p.pass_rules->>'activationWindowDays')::int),
            (p.pass_rules->>'entries')::int
     from order_tickets t join products p on p.id = t.product_id join orders o on o.id = t.order_id
     where t.order_id = ? and t.status = 'valid' and p.kind = 'annual_pass' and p.pass_rules is not null
     on conflict (ticket_id) do nothing
     returning id`,
    [order.id]
  )
  for (const row of rows) await passEvent(trx, Number(row.id), 'issued', { type: 'system' }, null, { order: order.number })
}

/**
 * A renewal order (ticketless_orders.ts) was just issued, in its transaction: its pass gets one
 * more period from the later of now and its expiry. Whether the order was a renewal.
 */
export async function applyPassRenewal(trx: TenantTransaction, tenant: Tenant, order: Order): Promise<boolean> {
  const renewal = await trx.from('pass_renewals').where('order_id', order.id).where('status', 'pending').forUpdate().first()
  if (!renewal) return false
  const pass = await passesWithTickets(trx).where('ps.id', renewal.pass_id).forUpdate('ps').select(PASS_COLUMNS).firstOrFail()
  const rules: PassRules = pass.pass_rules
  const now = new Date()
  const state = passState(passForEntry(pass), rules, pass.timezone, now)
  const before = state.validUntil ?? validityEnd(now, rules.validity, pass.timezone)
  const after = renewedUntil(before, rules, pass.timezone, now)
  await trx
    .from('passes')
    .where('id', pass.id)
    .update({
      status: pass.status === 'pending_activation' ? 'active' : pass.status,
      activated_at: state.activatedAt ?? now,
      valid_until: after,
      entries_allowed: pass.entries_allowed === null ? null : pass.entries_allowed + (rules.entries ?? 0),
      updated_at: now,
    })
  await trx.from('pass_renewals').where('id', renewal.id).update({ status: 'applied', applied_at: now, valid_until_before: before, valid_until_after: after })
  await passEvent(trx, Number(pass.id), 'renewed', { type: 'system' }, null, { order: order.number, price: renewal.price, validUntilBefore: before, validUntilAfter: after })
  await webhookEvents.passRenewed(trx, tenant, Number(pass.id), { order: order.number, price: renewal.price, validUntilBefore: before, validUntilAfter: after })
  return true
}

/** A refund was approved (refund_service.ts, its transaction): the passes of these tickets stop. */
export async function revokePassesOfTickets(trx: TenantTransaction, ticketIds: number[], reason: 'refunded') {
  if (!ticketIds.length) return
  const revoked = await trx
    .from('passes')
    .whereIn('ticket_id', ticketIds)
    .whereNot('status', 'revoked')
    .update({ status: 'revoked', status_reason: reason, updated_at: new Date() })
    .returning('id')
  for (const row of revoked) await passEvent(trx, Number(row.id), 'revoked', { type: 'system' }, reason)
}

/**
 * The instants refund tiers count back from for the pass tickets among these: the end of the
 * validity, or the activation deadline while the pass has not started.
 */
export async function passRefundDeadlines(trx: TenantTransaction, ticketIds: number[]): Promise<Map<number, Date>> {
  const deadlines = new Map<number, Date>()
  if (!ticketIds.length) return deadlines
  const rows = await trx
    .from('passes as ps')
    .join('products as p', 'p.id', 'ps.product_id')
    .join('sites as site', 'site.id', 'p.site_id')
    .whereIn('ps.ticket_id', ticketIds)
    .select('ps.*', 'p.pass_rules', 'site.timezone')
  const now = new Date()
  for (const row of rows) {
    const state = passState(passForEntry(row), row.pass_rules, row.timezone, now)
    deadlines.set(Number(row.ticket_id), state.status === 'pending_activation' ? row.activate_by : (state.validUntil ?? row.activate_by))
  }
  return deadlines
}

export interface PassFilters {
  q?: string
  status?: PassStatus
  limit?: number
}

export default class Passes {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Passes(tenant)
  }

  /** Staff: passes by holder (name, phone, ID number or its last four), status. */
  list(filters: PassFilters) {
    return runInTenant(this.tenant, async (trx) => {
      const q = filters.q?.trim()
      const rows = await passesWithTickets(trx)
        .if(q, (query) =>
          query.where((match) => {
            if (/^\d{17}[\dXx]$/.test(q!)) match.where('t.holder_id_hash', idNumberHash(this.tenant.id, q!.toUpperCase()))
            else match.whereILike('t.holder_name', `%${q}%`).orWhereLike('t.holder_phone', `%${q}%`).orWhereLike('o.contact_phone', `%${q}%`).orWhereILike('t.holder_id_masked', `%${q}`)
          })
        )
        .if(filters.status, (query) => {
          const status = filters.status!
          if (status === 'expired') query.where('ps.status', 'active').where('ps.valid_until', '<=', new Date())
          else if (status === 'active') query.where((active) => active.where((on) => on.where('ps.status', 'active').where('ps.valid_until', '>', new Date())).orWhere((lapsed) => lapsed.where('ps.status', 'pending_activation').where('ps.activate_by', '<=', new Date())))
          else if (status === 'pending_activation') query.where('ps.status', status).where('ps.activate_by', '>', new Date())
          else query.where('ps.status', status)
        })
        .orderBy('ps.id', 'desc')
        .limit(filters.limit ?? 100)
        .select(PASS_COLUMNS)
      return rows.map((row) => present(row))
    })
  }

  /** Staff: one pass with its entries (every scan), its timeline and its renewals. */
  show(id: number) {
    return runInTenant(this.tenant, async (trx) => {
      const row = await this.#find(trx, id)
      const entries = await trx
        .from('checkins as c')
        .leftJoin('devices as d', 'd.id', 'c.device_id')
        .leftJoin('sites as site', 'site.id', 'c.site_id')
        .where('c.ticket_id', row.ticket_id)
        .orderBy('c.occurred_at', 'desc')
        .limit(500)
        .select('c.id', 'c.occurred_at', 'c.result', 'c.direction', 'c.method', 'c.site_id', 'site.name as site_name', 'd.name as device_name', 'c.offline')
      const events = await trx.from('pass_events').where('pass_id', id).orderBy('id').select('type', 'actor', 'reason', 'data', 'created_at')
      const renewals = await trx.from('pass_renewals as r').join('orders as o', 'o.id', 'r.order_id').where('r.pass_id', id).orderBy('r.id').select('r.*', 'o.number', 'o.status as order_status')
      return {
        ...present(row),
        entries: entries.map((entry) => ({
          id: Number(entry.id),
          at: entry.occurred_at,
          result: entry.result,
          direction: entry.direction,
          method: entry.method,
          site: entry.site_id ? { id: Number(entry.site_id), name: entry.site_name } : null,
          device: entry.device_name,
          offline: entry.offline,
        })),
        events: events.map((event) => ({ type: event.type, actor: event.actor, reason: event.reason, data: event.data, at: event.created_at })),
        renewals: renewals.map((renewal) => ({
          order: renewal.number,
          orderStatus: renewal.order_status,
          price: renewal.price,
          status: renewal.status,
          validUntilBefore: renewal.valid_until_before,
          validUntilAfter: renewal.valid_until_after,
          appliedAt: renewal.applied_at,
        })),
      }
    })
  }

  /** Staff: stop a pass for a while (lost card, misuse under review); resume gives it back. */
  suspend(id: number, reason: string, actor: Actor) {
    return this.#change(id, 'suspended', reason, actor, (pass) => {
      if (pass.status === 'revoked') throw conflict('This pass is revoked: it cannot be suspended')
      if (pass.status === 'suspended') throw conflict('This pass is already suspended')
      return { status: 'suspended', status_reason: reason }
    })
  }

  resume(id: number, reason: string, actor: Actor) {
    return this.#change(id, 'resumed', reason, actor, (pass) => {
      if (pass.status !== 'suspended') throw conflict(`This pass is ${pass.status}: only a suspended pass can be resumed`)
      return { status: pass.activated_at ? 'active' : 'pending_activation', status_reason: null }
    })
  }

  /** Staff: the pass stops for good (its ticket and order stay as they are; refunds are separate). */
  revoke(id: number, reason: string, actor: Actor) {
    return this.#change(id, 'revoked', reason, actor, (pass) => {
      if (pass.status === 'revoked') throw conflict('This pass is already revoked')
      return { status: 'revoked', status_reason: reason }
    })
  }

  /** Staff: more (or, with negative days, fewer) days of validity, e.g. after a closure. */
  extend(id: number, days: number, reason: string, actor: Actor) {
    return this.#change(id, 'extended', reason, actor, (pass, now) => {
      if (pass.status === 'revoked') throw conflict('This pass is revoked: it cannot be extended')
      const state = passState(passForEntry(pass), pass.pass_rules, pass.timezone, now)
      if (!state.validUntil) throw conflict('This pass has not started yet: there is no validity to extend', 'E_PASS_NOT_ACTIVE')
      const validUntil = DateTime.fromJSDate(state.validUntil).plus({ days }).toJSDate()
      if (validUntil <= state.activatedAt!) throw invalid('days', 'The validity cannot end before it starts')
      return { status: pass.status === 'pending_activation' ? 'active' : pass.status, activated_at: state.activatedAt, valid_until: validUntil, data: { days, validUntilBefore: state.validUntil, validUntilAfter: validUntil } }
    })
  }

  /** The signed-in visitor's passes (bought with their account), with the QR code to show. */
  mine(visitorId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const rows = await passesWithTickets(trx).where('ps.visitor_id', visitorId).orderBy('ps.id', 'desc').select(PASS_COLUMNS)
      const signer = rows.length ? await TicketKeys.signer(this.tenant, trx) : null
      return rows.map((row) => {
        const shown = present(row)
        const admits = shown.status !== 'revoked' && shown.status !== 'expired'
        return { ...shown, code: admits ? encodeTicketCode({ kid: signer!.kid, tenantId: this.tenant.id, ticketId: Number(row.ticket_id), serial: row.secret_serial }, signer!.privateKey) : null }
      })
    })
  }

  /** The holder starts the pass now (validity counted from today). Activating an active pass changes nothing. */
  async activate(visitorId: number, id: number) {
    await runInTenant(this.tenant, async (trx) => {
      const pass = await this.#find(trx, id, { lock: true, visitorId })
      const now = new Date()
      const state = passState(passForEntry(pass), pass.pass_rules, pass.timezone, now)
      if (pass.ticket_status !== 'valid' && pass.ticket_status !== 'used') throw conflict(`This pass's ticket is ${pass.ticket_status}: it cannot be activated`)
      if (state.status === 'suspended' || state.status === 'revoked' || state.status === 'expired') throw conflict(`This pass is ${state.status}: it cannot be activated`)
      if (pass.status !== 'pending_activation') return
      const activatedAt = state.activatedAt ?? now
      const validUntil = state.validUntil ?? validityEnd(now, pass.pass_rules.validity, pass.timezone)
      await trx.from('passes').where('id', id).update({ status: 'active', activated_at: activatedAt, valid_until: validUntil, updated_at: now })
      await passEvent(trx, id, 'activated', { type: 'visitor', id: visitorId }, null, { activatedAt, validUntil })
      await webhookEvents.passActivated(trx, this.tenant, id)
    })
    return (await this.mine(visitorId)).find((pass) => pass.id === id)!
  }

  /**
   * 续卡: a ticketless order at the renewal price (no ticket, no places taken), paid like any order; the pass
   * is extended when it is paid. Asking again while one is waiting for payment answers that one.
   */
  async renew(visitorId: number, id: number): Promise<{ order: Order; created: boolean }> {
    return runInTenant(this.tenant, async (trx) => {
      const pass = await this.#find(trx, id, { lock: true, visitorId })
      const rules: PassRules = pass.pass_rules
      const now = new Date()
      if (pass.ticket_status !== 'valid' && pass.ticket_status !== 'used') throw conflict(`This pass's ticket is ${pass.ticket_status}: it cannot be renewed`)
      const refusal = renewalRefusal(passForEntry(pass), rules, pass.timezone, now)
      if (refusal) throw new AppError(refusal, { status: 422, code: 'E_PASS_NOT_RENEWABLE', field: 'id' })

      const waiting = await waitingOrder(trx, 'pass_renewals', { pass_id: id })
      if (waiting) return { order: waiting, created: false }

      const price = rules.renewal!.price
      const order = await placeTicketlessOrder(
        trx,
        this.tenant,
        { visitorId, contactName: pass.holder_name, contactPhone: pass.holder_phone ?? pass.contact_phone, amount: price, buys: { renewsPass: id } },
        (placed) => trx.table('pass_renewals').insert({ pass_id: id, order_id: placed.id, price })
      )
      return { order, created: true }
    })
  }

  async #change(id: number, type: string, reason: string, actor: Actor, next: (pass: any, now: Date) => Record<string, unknown>) {
    await runInTenant(this.tenant, async (trx) => {
      const pass = await this.#find(trx, id, { lock: true })
      const now = new Date()
      const before = present(pass, now)
      const { data, ...columns } = next(pass, now) as Record<string, unknown> & { data?: Record<string, unknown> }
      await trx.from('passes').where('id', id).update({ ...columns, updated_at: now })
      await passEvent(trx, id, type, actor, reason, data ?? {})
      const after = present(await this.#find(trx, id), now)
      await auditLog.tenant(trx, { action: `pass.${type}`, subjectType: 'pass', subjectId: id, before, after, meta: { reason, ...data } })
    })
    return this.show(id)
  }

  async #find(trx: TenantTransaction, id: number, options: { lock?: boolean; visitorId?: number } = {}) {
    const row = await passesWithTickets(trx)
      .where('ps.id', id)
      .if(options.visitorId !== undefined, (query) => query.where('ps.visitor_id', options.visitorId!))
      .if(options.lock, (query) => query.forUpdate('ps'))
      .select(PASS_COLUMNS)
      .first()
    if (!row) throw notFound('No such pass', 'E_PASS_NOT_FOUND')
    return row
  }
}

function conflict(message: string, code = 'E_PASS_STATE') {
  return new AppError(message, { status: 409, code })
}
