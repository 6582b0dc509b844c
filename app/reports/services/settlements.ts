/*
 * Daily settlement (对账) per channel: the channel's bill of a Beijing day, fetched through the
 * channel's real client (WeChat Pay trade bill, Alipay bill download URL, UnionPay file transfer),
 * set against what Tessera recorded at that merchant that day:
 *   payments paid that day (payments.paid_at; surplus ones too: the channel took that money)
 *   and refunds that succeeded that day (refunds.completed_at; those with money to send back).
 * Payments match by out_trade_no, refunds by out_refund_no; each line is matched, missing on one
 * side, or of another amount. A day is `matched` when nothing differs, `differences` otherwise,
 * `failed` when the bill could not be had. Finance staff confirm a day (audited); a confirmed day
 * is never fetched again.
 */
import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog, type Actor } from '#identity/audit/audit_log'
import { CHANNEL_KINDS, type BillLine, type ChannelKind } from '#payments/channel'
import PaymentAccounts from '#payments/services/payment_accounts'
import { reportRange, VENUE_ZONE, venueDay } from '#reports/services/report_range'
import { salesRows } from '#reports/services/statistics'
import { planLimits } from '#platform/services/plans'
import { eachTenant } from '#tenancy/services/each_tenant'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** A settlement list covers at most this many days (a quarter). */
const MAX_LIST_DAYS = 92
const INSERT_CHUNK = 500

interface Recorded {
  kind: 'payment' | 'refund'
  /** out_trade_no, or out_refund_no for a refund. */
  key: string
  outTradeNo: string
  outRefundNo?: string
  amount: number
}

interface Difference {
  kind: 'payment' | 'refund'
  problem: 'missing_in_tessera' | 'missing_in_bill' | 'amount_mismatch'
  outTradeNo: string
  outRefundNo?: string
  recordedAmount: number | null
  billAmount: number | null
  note: string | null
}

const sum = <T>(rows: T[], pick: (row: T) => number) => rows.reduce((total, row) => total + pick(row), 0)

function dayBounds(date: string) {
  const start = DateTime.fromISO(date, { zone: VENUE_ZONE }).startOf('day')
  if (!start.isValid) throw invalid('date', 'Not a calendar day (YYYY-MM-DD)')
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() }
}

/** Yesterday at the venue: the last day whose bill the channels have complete. */
export function yesterday(): string {
  return DateTime.now().setZone(VENUE_ZONE).minus({ days: 1 }).toISODate()!
}

function view(row: any) {
  const billPayments = Number(row.bill_payment_amount)
  const billRefunds = Number(row.bill_refund_amount)
  const recordedPayments = Number(row.recorded_payment_amount)
  const recordedRefunds = Number(row.recorded_refund_amount)
  return {
    channel: row.channel as ChannelKind,
    date: row.bill_date as string,
    merchantId: row.merchant_id as string,
    status: row.status as 'matched' | 'differences' | 'failed',
    error: row.error as string | null,
    recorded: { payments: row.recorded_payments, paymentAmount: recordedPayments, refunds: row.recorded_refunds, refundAmount: recordedRefunds, net: recordedPayments - recordedRefunds },
    bill: {
      payments: row.bill_payments,
      paymentAmount: billPayments,
      refunds: row.bill_refunds,
      refundAmount: billRefunds,
      fee: Number(row.bill_fee),
      /** What the channel settles to the merchant for the day: payments − refunds − fees. */
      net: billPayments - billRefunds - Number(row.bill_fee),
    },
    differenceCount: row.difference_count as number,
    fetchedAt: row.fetched_at as Date,
    confirmed: row.confirmed_at ? { at: row.confirmed_at as Date, by: row.confirmed_by as string, note: row.confirm_note as string | null } : null,
  }
}

async function insertInChunks(trx: TenantTransaction, table: string, rows: Record<string, unknown>[]) {
  for (let at = 0; at < rows.length; at += INSERT_CHUNK) await trx.table(table).multiInsert(rows.slice(at, at + INSERT_CHUNK))
}

/** Every column, with the day as text (a DATE would come back as a local-midnight Date). */
const dayColumns = (trx: TenantTransaction) => ['*', trx.raw("to_char(bill_date, 'YYYY-MM-DD') as bill_date")]

export default class Settlements {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Settlements(tenant)
  }

  /** Fetches the channel's bill of `date` and reconciles it; a confirmed day is refused. */
  async fetch(channel: ChannelKind, date: string) {
    const { start, end } = dayBounds(date)
    const accounts = PaymentAccounts.for(this.tenant)
    const client = await accounts.channel(channel, { includeDisabled: true })
    const confirmed = await runInTenant(this.tenant, (trx) => trx.from('settlement_days').where({ channel, bill_date: date }).whereNotNull('confirmed_at').first())
    if (confirmed) throw new AppError('This day is confirmed: its settlement is final', { status: 409, code: 'E_SETTLEMENT_CONFIRMED' })

    let lines: BillLine[] | undefined
    let error: string | null = null
    try {
      lines = await client.downloadBill(date)
    } catch (failure: any) {
      error = String(failure?.message ?? failure).slice(0, 500)
      logger.warn({ err: failure, tenant: this.tenant.slug, channel, date }, 'fetching a bill failed')
    }

    return runInTenant(this.tenant, async (trx) => {
      const recorded = await this.#recorded(trx, channel, client.merchantId, start, end)
      const differences = lines ? await this.#differences(trx, lines, recorded, date) : []
      const bill = lines ?? []
      const values = {
        channel,
        bill_date: date,
        merchant_id: client.merchantId,
        status: !lines ? 'failed' : differences.length ? 'differences' : 'matched',
        error,
        recorded_payments: recorded.filter((line) => line.kind === 'payment').length,
        recorded_payment_amount: sum(recorded.filter((line) => line.kind === 'payment'), (line) => line.amount),
        recorded_refunds: recorded.filter((line) => line.kind === 'refund').length,
        recorded_refund_amount: sum(recorded.filter((line) => line.kind === 'refund'), (line) => line.amount),
        bill_payments: bill.filter((line) => line.kind === 'payment').length,
        bill_payment_amount: sum(bill.filter((line) => line.kind === 'payment'), (line) => line.amount),
        bill_refunds: bill.filter((line) => line.kind === 'refund').length,
        bill_refund_amount: sum(bill.filter((line) => line.kind === 'refund'), (line) => line.amount),
        bill_fee: sum(bill, (line) => line.fee),
        difference_count: differences.length,
        fetched_at: new Date(),
        updated_at: new Date(),
      }
      const [day] = await trx
        .table('settlement_days')
        .insert(values)
        .onConflict(['channel', 'bill_date'])
        .merge()
        .returning('id')
      const dayId = Number(day.id ?? day)
      await trx.from('settlement_bill_lines').where('settlement_day_id', dayId).delete()
      await trx.from('settlement_differences').where('settlement_day_id', dayId).delete()
      await insertInChunks(
        trx,
        'settlement_bill_lines',
        bill.map((line) => ({
          settlement_day_id: dayId,
          kind: line.kind,
          out_trade_no: line.outTradeNo,
          out_refund_no: line.outRefundNo ?? null,
          channel_trade_no: line.channelTradeNo ?? null,
          channel_refund_no: line.channelRefundNo ?? null,
          amount: line.amount,
          fee: line.fee,
          occurred_at: line.occurredAt,
        }))
      )
      await insertInChunks(
        trx,
        'settlement_differences',
        differences.map((difference) => ({
          settlement_day_id: dayId,
          kind: difference.kind,
          problem: difference.problem,
          out_trade_no: difference.outTradeNo,
          out_refund_no: difference.outRefundNo ?? null,
          recorded_amount: difference.recordedAmount,
          bill_amount: difference.billAmount,
          note: difference.note,
        }))
      )
      return this.#detail(trx, channel, date)
    })
  }

  /**
   * Every configured channel × every day of the range: its settlement, or `not_fetched`; and the
   * platform's commission (平台佣金) on the orders paid through each channel each day, at the
   * plan's rate and rounded per order as statistics round it (`bp` 0: the plan takes none).
   */
  async list(from: string, to: string, channel?: ChannelKind) {
    const range = reportRange(from, to, MAX_LIST_DAYS)
    const commissionBp = (await planLimits.planOf(this.tenant))?.commissionBp ?? 0
    return runInTenant(this.tenant, async (trx) => {
      const sales = (await salesRows(trx, range, commissionBp)).filter((row) => row.channel !== 'free' && (!channel || row.channel === channel))
      const byDay = new Map<string, { date: string; channel: string; orders: number; sales: number; commission: number }>()
      for (const row of sales) {
        const key = `${row.channel}:${row.day}`
        const day = byDay.get(key) ?? { date: row.day, channel: row.channel, orders: 0, sales: 0, commission: 0 }
        byDay.set(key, { ...day, orders: day.orders + row.orders, sales: day.sales + row.sales, commission: day.commission + row.commission })
      }
      const accounts: { channel: ChannelKind }[] = await trx.from('payment_accounts').select('channel').orderBy('channel')
      const channels = accounts.map((account) => account.channel).filter((kind) => !channel || kind === channel)
      const rows = await trx
        .from('settlement_days')
        .whereBetween('bill_date', [range.from, range.to])
        .if(channel, (query) => query.where('channel', channel!))
        .select(...dayColumns(trx))
      const stored = new Map(rows.map((row: any) => [`${row.channel}:${row.bill_date}`, view(row)]))
      return {
        range: { from: range.from, to: range.to, timezone: VENUE_ZONE },
        channels,
        days: range.days.flatMap((date) => channels.map((kind) => stored.get(`${kind}:${date}`) ?? { channel: kind, date, status: 'not_fetched' as const })),
        commission: {
          bp: commissionBp,
          orders: sum(sales, (row) => row.orders),
          sales: sum(sales, (row) => row.sales),
          amount: sum(sales, (row) => row.commission),
          days: [...byDay.values()].sort((a, b) => a.date.localeCompare(b.date) || a.channel.localeCompare(b.channel)),
        },
      }
    })
  }

  async show(channel: ChannelKind, date: string) {
    dayBounds(date)
    return runInTenant(this.tenant, (trx) => this.#detail(trx, channel, date))
  }

  /** Finance staff sign the day off: with differences, their explanation is required. Audited. */
  async confirm(channel: ChannelKind, date: string, note: string | undefined, actor: Actor) {
    dayBounds(date)
    return runInTenant(this.tenant, async (trx) => {
      const row = await trx.from('settlement_days').where({ channel, bill_date: date }).forUpdate().select(...dayColumns(trx)).first()
      if (!row) throw notFound('This day’s bill has not been fetched', 'E_SETTLEMENT_NOT_FOUND')
      if (row.confirmed_at) throw new AppError('This day is already confirmed', { status: 409, code: 'E_SETTLEMENT_CONFIRMED' })
      if (row.status === 'failed') throw new AppError('The bill could not be fetched: fetch it again before confirming', { status: 409, code: 'E_SETTLEMENT_FAILED' })
      if (row.status === 'differences' && !note) throw invalid('note', 'Say how the differences were settled before confirming', 'E_NOTE_REQUIRED')
      const by = actor.id === undefined || actor.id === null ? actor.type : `${actor.type}:${actor.id}`
      await trx.from('settlement_days').where('id', row.id).update({ confirmed_at: new Date(), confirmed_by: by, confirm_note: note ?? null, updated_at: new Date() })
      const before = view(row)
      await auditLog.tenant(trx, {
        action: 'settlement.confirmed',
        subjectType: 'settlement',
        subjectId: `${channel}:${date}`,
        actor,
        meta: { status: before.status, differences: before.differenceCount, recorded: before.recorded, bill: before.bill, note: note ?? null },
      })
      return this.#detail(trx, channel, date)
    })
  }

  async #detail(trx: TenantTransaction, channel: ChannelKind, date: string) {
    const row = await trx.from('settlement_days').where({ channel, bill_date: date }).select(...dayColumns(trx)).first()
    if (!row) throw notFound('This day’s bill has not been fetched', 'E_SETTLEMENT_NOT_FOUND')
    const differences = await trx.from('settlement_differences').where('settlement_day_id', row.id).orderBy('id')
    const lines = await trx.from('settlement_bill_lines').where('settlement_day_id', row.id).orderBy(['occurred_at', 'id'])
    return {
      ...view(row),
      differences: differences.map((difference: any) => ({
        kind: difference.kind,
        problem: difference.problem,
        outTradeNo: difference.out_trade_no,
        outRefundNo: difference.out_refund_no,
        recordedAmount: difference.recorded_amount,
        billAmount: difference.bill_amount,
        note: difference.note,
      })),
      lines: lines.map((line: any) => ({
        kind: line.kind,
        outTradeNo: line.out_trade_no,
        outRefundNo: line.out_refund_no,
        channelTradeNo: line.channel_trade_no,
        channelRefundNo: line.channel_refund_no,
        amount: line.amount,
        fee: line.fee,
        occurredAt: line.occurred_at,
      })),
    }
  }

  /** What Tessera recorded that day at this merchant: payments paid, refunds that sent money back. */
  async #recorded(trx: TenantTransaction, channel: ChannelKind, merchantId: string, start: Date, end: Date): Promise<Recorded[]> {
    const payments = await trx
      .from('payments')
      .where({ channel, merchant_id: merchantId, status: 'paid' })
      .where('paid_at', '>=', start)
      .where('paid_at', '<', end)
      .select('out_trade_no', 'amount')
    const refunds = await trx
      .from('refunds as r')
      .join('payments as p', 'p.id', 'r.payment_id')
      .where({ 'p.channel': channel, 'p.merchant_id': merchantId, 'r.status': 'succeeded' })
      .where('r.amount', '>', 0)
      .where('r.completed_at', '>=', start)
      .where('r.completed_at', '<', end)
      .select('r.out_refund_no', 'p.out_trade_no', 'r.amount')
    return [
      ...payments.map((row: any): Recorded => ({ kind: 'payment', key: row.out_trade_no, outTradeNo: row.out_trade_no, amount: row.amount })),
      ...refunds.map((row: any): Recorded => ({ kind: 'refund', key: row.out_refund_no, outTradeNo: row.out_trade_no, outRefundNo: row.out_refund_no, amount: row.amount })),
    ]
  }

  async #differences(trx: TenantTransaction, bill: BillLine[], recorded: Recorded[], date: string): Promise<Difference[]> {
    const keyOf = (line: BillLine) => (line.kind === 'payment' ? line.outTradeNo : (line.outRefundNo ?? ''))
    const ours = new Map(recorded.map((line) => [`${line.kind}:${line.key}`, line]))
    const theirs = new Map(bill.map((line) => [`${line.kind}:${keyOf(line)}`, line]))
    const differences: Difference[] = []
    const unknown: BillLine[] = []
    for (const [key, line] of theirs) {
      const mine = ours.get(key)
      if (!mine) unknown.push(line)
      else if (mine.amount !== line.amount) {
        differences.push({ kind: line.kind, problem: 'amount_mismatch', outTradeNo: line.outTradeNo, outRefundNo: line.outRefundNo, recordedAmount: mine.amount, billAmount: line.amount, note: null })
      }
    }
    const notes = await this.#whereabouts(trx, unknown, date)
    for (const line of unknown) {
      differences.push({
        kind: line.kind,
        problem: 'missing_in_tessera',
        outTradeNo: line.outTradeNo,
        outRefundNo: line.outRefundNo,
        recordedAmount: null,
        billAmount: line.amount,
        note: notes.get(`${line.kind}:${keyOf(line)}`) ?? `No such ${line.kind} at this venue`,
      })
    }
    for (const [key, mine] of ours) {
      if (theirs.has(key)) continue
      differences.push({ kind: mine.kind, problem: 'missing_in_bill', outTradeNo: mine.outTradeNo, outRefundNo: mine.outRefundNo, recordedAmount: mine.amount, billAmount: null, note: 'Not on the channel’s bill of this day' })
    }
    return differences
  }

  /** What Tessera knows of bill lines it did not record that day: pending, closed, or recorded on another day. */
  async #whereabouts(trx: TenantTransaction, lines: BillLine[], date: string) {
    const notes = new Map<string, string>()
    const tradeNos = lines.filter((line) => line.kind === 'payment').map((line) => line.outTradeNo)
    const refundNos = lines.filter((line) => line.kind === 'refund').map((line) => line.outRefundNo ?? '')
    const describe = (status: string, at: Date | null, what: string) => {
      if (at && venueDay(at) !== date) return `Tessera recorded this ${what} on ${venueDay(at)}`
      return `Tessera has this ${what} as ${status}`
    }
    if (tradeNos.length) {
      for (const row of await trx.from('payments').whereIn('out_trade_no', tradeNos).select('out_trade_no', 'status', 'paid_at')) {
        notes.set(`payment:${row.out_trade_no}`, describe(row.status, row.paid_at, 'payment'))
      }
    }
    if (refundNos.length) {
      for (const row of await trx.from('refunds').whereIn('out_refund_no', refundNos).select('out_refund_no', 'status', 'completed_at')) {
        notes.set(`refund:${row.out_refund_no}`, describe(row.status, row.completed_at, 'refund'))
      }
    }
    return notes
  }
}

/**
 * Fetches the bills of `date` for every venue (or the one named by `slug`) and configured channel.
 * Without `refetch`, days already fetched are left as they are (only new and failed ones are
 * fetched); confirmed days never are.
 */
export async function fetchAllBills(date: string, options: { refetch?: boolean; slug?: string } = {}) {
  const outcomes = await eachTenant(
    async (tenant) => {
      if (options.slug && tenant.slug !== options.slug) return null
      const accounts: { channel: ChannelKind; status: string | null }[] = await runInTenant(tenant, (trx) =>
        trx
          .from('payment_accounts as a')
          .leftJoin('settlement_days as d', (join) => join.on('d.channel', 'a.channel').andOnVal('d.bill_date', date))
          .select('a.channel', trx.raw("case when d.confirmed_at is not null then 'confirmed' else d.status end as status"))
      )
      const counts = { matched: 0, differences: 0, failed: 0, skipped: 0 }
      for (const { channel, status } of accounts.filter((account) => CHANNEL_KINDS.includes(account.channel))) {
        if (status === 'confirmed' || (status && status !== 'failed' && !options.refetch)) {
          counts.skipped++
          continue
        }
        const day = await Settlements.for(tenant).fetch(channel, date)
        counts[day.status]++
      }
      return counts
    },
    { onOutcome: ({ tenant, error }) => error && logger.error({ err: error, tenant: tenant.slug, date }, 'fetching bills failed for this venue') }
  )
  const total = (key: 'matched' | 'differences' | 'failed' | 'skipped') => outcomes.reduce((count, outcome) => count + (outcome.result?.[key] ?? 0), 0)
  return {
    tenants: outcomes.filter((outcome) => outcome.result !== null).length,
    failedTenants: outcomes.filter((outcome) => outcome.error).length,
    matched: total('matched'),
    differences: total('differences'),
    failed: total('failed'),
    skipped: total('skipped'),
  }
}

/** Channels publish a day's bill by about 10:00 the next morning (Beijing); the scheduler asks hourly after that. */
const BILLS_READY_HOUR = 10

/** Yesterday's bills, once the channels have them; days already fetched are skipped, failed ones retried. */
export async function fetchYesterdaysBills() {
  if (DateTime.now().setZone(VENUE_ZONE).hour < BILLS_READY_HOUR) return null
  return fetchAllBills(yesterday())
}
