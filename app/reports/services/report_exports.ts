/*
 * Exports of orders, tickets, check-ins and refunds as CSV or XLSX, streamed: rows are read in
 * batches by id (keyset, each batch its own short tenant transaction) and written as they come,
 * so a year of orders never sits in memory.
 *
 * - CSV: UTF-8 with a byte-order mark (Excel then reads Chinese correctly), CRLF rows, RFC 4180
 *   quoting; a text cell starting with = + - @ (or a tab / carriage return) is prefixed with ' so a
 *   spreadsheet never runs it as a formula (CSV injection).
 * - XLSX (exceljs' streaming writer): money as numbers in yuan with two decimals, text as text
 *   (an XLSX string cell is never a formula).
 * Personal numbers are masked: holders' ID numbers as stored masked (110101********1234), phones
 * as 137****1111. Money is yuan with two decimals (the fen exactly).
 */
import { PassThrough, type Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import { auditLog } from '#identity/audit/audit_log'
import { maskPhone } from '#identity/audit/masking'
import { fenToYuan } from '#payments/alipay/alipay_format'
import { reportRange, VENUE_ZONE, type ReportRange } from '#reports/services/report_range'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export type ExportDataset = 'orders' | 'tickets' | 'checkins' | 'refunds'
export type ExportFormat = 'csv' | 'xlsx'

export const EXPORT_DATASETS: ExportDataset[] = ['orders', 'tickets', 'checkins', 'refunds']

export interface ExportFilters {
  from: string
  to: string
  status?: string
  productId?: number
  channel?: 'wechat_pay' | 'alipay' | 'unionpay' | 'free'
}

type ColumnKind = 'text' | 'money' | 'int' | 'time'

interface Column {
  title: string
  kind: ColumnKind
  value: (row: any) => unknown
}

interface Dataset {
  columns: Column[]
  /** One batch after `afterId`, ordered by the dataset's id. */
  batch(trx: TenantTransaction, range: ReportRange, filters: ExportFilters, afterId: number, limit: number): Promise<any[]>
}

const BATCH = 2000

const text = (title: string, value: (row: any) => unknown): Column => ({ title, kind: 'text', value })
const money = (title: string, value: (row: any) => unknown): Column => ({ title, kind: 'money', value })
const int = (title: string, value: (row: any) => unknown): Column => ({ title, kind: 'int', value })
const time = (title: string, value: (row: any) => unknown): Column => ({ title, kind: 'time', value })
const maskedPhone = (phone: string | null) => (phone ? maskPhone(phone) : '')

/** The channel that paid an order (its own payment, not a change's or a surplus one), or free. */
const ORDER_CHANNEL = `coalesce((select p.channel from payments p where p.order_id = o.id and p.status = 'paid' and not p.surplus and p.change_id is null order by p.paid_at limit 1), 'free')`

function channelFilter(query: any, channel: ExportFilters['channel']) {
  if (channel) query.whereRaw(`${ORDER_CHANNEL} = ?`, [channel])
}

const DATASETS: Record<ExportDataset, Dataset> = {
  /** Orders placed in the range. */
  orders: {
    columns: [
      text('订单号', (row) => row.number),
      text('状态', (row) => row.status),
      text('销售渠道', (row) => row.sales_channel),
      text('支付渠道', (row) => row.channel),
      time('下单时间', (row) => row.created_at),
      time('支付时间', (row) => row.paid_at),
      text('联系人', (row) => row.contact_name),
      text('联系电话', (row) => maskedPhone(row.contact_phone)),
      int('票数', (row) => row.tickets),
      money('票面金额', (row) => row.prices),
      money('优惠金额', (row) => row.discount_amount),
      money('订单金额', (row) => row.total_amount),
      money('实付金额', (row) => row.paid_amount),
      money('已退金额', (row) => row.refunded_amount),
      text('优惠码', (row) => row.coupon_code),
    ],
    batch(trx, range, filters, afterId, limit) {
      const query = trx
        .from('orders as o')
        .where('o.created_at', '>=', range.start)
        .where('o.created_at', '<', range.end)
        .where('o.id', '>', afterId)
        .orderBy('o.id')
        .limit(limit)
        .select('o.*')
        .select(trx.raw(`${ORDER_CHANNEL} as channel`))
        .select(trx.raw('(select count(*) from order_tickets t where t.order_id = o.id and t.replaces_id is null)::int as tickets'))
        .select(trx.raw('(select coalesce(sum(t.price), 0) from order_tickets t where t.order_id = o.id and t.replaces_id is null)::bigint as prices'))
      if (filters.status) query.where('o.status', filters.status)
      if (filters.productId) query.whereExists((sub: any) => sub.from('order_tickets as t').whereRaw('t.order_id = o.id').where('t.product_id', filters.productId))
      channelFilter(query, filters.channel)
      return query
    },
  },

  /** Tickets whose session starts in the range (the visit day). */
  tickets: {
    columns: [
      int('票号', (row) => row.id),
      text('订单号', (row) => row.number),
      text('产品', (row) => row.product),
      time('场次开始', (row) => row.starts_at),
      text('座位', (row) => (row.row_label ? `${row.section ?? ''} ${row.row_label}排${row.seat_label}座`.trim() : '')),
      text('状态', (row) => row.status),
      money('票价', (row) => row.price),
      text('持票人', (row) => row.holder_name),
      text('证件号', (row) => row.holder_id_masked),
      text('持票人电话', (row) => maskedPhone(row.holder_phone)),
      int('人数', (row) => row.party_size),
      int('已入园人数', (row) => row.admitted),
      time('最后入园时间', (row) => row.last_entry_at),
      text('支付渠道', (row) => row.channel),
    ],
    batch(trx, range, filters, afterId, limit) {
      const query = trx
        .from('order_tickets as t')
        .join('orders as o', 'o.id', 't.order_id')
        .join('sessions as s', 's.id', 't.session_id')
        .join('products as p', 'p.id', 't.product_id')
        .leftJoin('seats as seat', 'seat.id', 't.seat_id')
        .where('s.starts_at', '>=', range.start)
        .where('s.starts_at', '<', range.end)
        .where('t.id', '>', afterId)
        .orderBy('t.id')
        .limit(limit)
        .select('t.*', 'o.number', 's.starts_at', 'p.name as product', 'seat.section', 'seat.row_label', 'seat.seat_label')
        .select(trx.raw(`${ORDER_CHANNEL} as channel`))
      if (filters.status) query.where('t.status', filters.status)
      if (filters.productId) query.where('t.product_id', filters.productId)
      channelFilter(query, filters.channel)
      return query
    },
  },

  /** Scans that happened in the range. */
  checkins: {
    columns: [
      int('记录号', (row) => row.id),
      time('时间', (row) => row.occurred_at),
      text('方向', (row) => row.direction),
      text('结果', (row) => row.result),
      int('人数', (row) => row.people),
      text('方式', (row) => row.method),
      int('票号', (row) => row.ticket_id),
      text('订单号', (row) => row.number),
      text('产品', (row) => row.product),
      text('设备', (row) => row.device),
      text('离线', (row) => (row.offline ? '是' : '否')),
      text('冲突', (row) => (row.conflict ? '是' : '否')),
    ],
    batch(trx, range, filters, afterId, limit) {
      const query = trx
        .from('checkins as c')
        .leftJoin('order_tickets as t', 't.id', 'c.ticket_id')
        .leftJoin('orders as o', 'o.id', 't.order_id')
        .leftJoin('products as p', 'p.id', 't.product_id')
        .leftJoin('devices as d', 'd.id', 'c.device_id')
        .where('c.occurred_at', '>=', range.start)
        .where('c.occurred_at', '<', range.end)
        .where('c.id', '>', afterId)
        .orderBy('c.id')
        .limit(limit)
        .select('c.*', 'o.number', 'p.name as product', 'd.name as device')
      if (filters.status) query.where('c.result', filters.status)
      if (filters.productId) query.where('t.product_id', filters.productId)
      if (filters.channel) query.whereNotNull('o.id').whereRaw(`${ORDER_CHANNEL} = ?`, [filters.channel])
      return query
    },
  },

  /** Refunds asked for in the range. */
  refunds: {
    columns: [
      text('退款单号', (row) => row.out_refund_no),
      text('订单号', (row) => row.number),
      text('类型', (row) => row.kind),
      text('状态', (row) => row.status),
      money('退款金额', (row) => row.amount),
      money('手续费', (row) => row.fee),
      text('支付渠道', (row) => row.channel ?? 'free'),
      int('票数', (row) => row.ticket_ids?.length ?? 0),
      text('原因', (row) => row.reason),
      text('特批原因', (row) => row.override_reason),
      time('申请时间', (row) => row.created_at),
      time('完成时间', (row) => row.completed_at),
      text('申请人', (row) => row.requested_by),
      text('审批人', (row) => row.decided_by),
    ],
    batch(trx, range, filters, afterId, limit) {
      const query = trx
        .from('refunds as r')
        .join('orders as o', 'o.id', 'r.order_id')
        .leftJoin('payments as p', 'p.id', 'r.payment_id')
        .where('r.created_at', '>=', range.start)
        .where('r.created_at', '<', range.end)
        .where('r.id', '>', afterId)
        .orderBy('r.id')
        .limit(limit)
        .select('r.*', 'o.number', 'p.channel')
      if (filters.status) query.where('r.status', filters.status)
      if (filters.productId) {
        query.whereExists((sub: any) => sub.from('order_tickets as t').whereRaw('t.id = any(r.ticket_ids)').where('t.product_id', filters.productId))
      }
      if (filters.channel === 'free') query.whereNull('p.id')
      else if (filters.channel) query.where('p.channel', filters.channel)
      return query
    },
  },
}

/** A text cell a spreadsheet would run as a formula gets a leading '. */
export function guardFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

/** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

function formatTime(value: unknown): string {
  if (!value) return ''
  return DateTime.fromJSDate(value instanceof Date ? value : new Date(String(value)))
    .setZone(VENUE_ZONE)
    .toFormat('yyyy-MM-dd HH:mm:ss')
}

function csvValue(column: Column, row: any): string {
  const value = column.value(row)
  if (value === null || value === undefined || value === '') return ''
  switch (column.kind) {
    case 'money':
      return fenToYuan(Number(value))
    case 'int':
      return String(Number(value))
    case 'time':
      return formatTime(value)
    default:
      return guardFormula(String(value))
  }
}

function xlsxValue(column: Column, row: any): string | number | null {
  const value = column.value(row)
  if (value === null || value === undefined || value === '') return null
  switch (column.kind) {
    case 'money':
      return Number(value) / 100
    case 'int':
      return Number(value)
    case 'time':
      return formatTime(value)
    default:
      return String(value)
  }
}

export default class ReportExports {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new ReportExports(tenant)
  }

  /** The file: its name, type and a stream of its bytes (written as rows are read). */
  async open(dataset: ExportDataset, format: ExportFormat, filters: ExportFilters) {
    const range = reportRange(filters.from, filters.to)
    await runInTenant(this.tenant, (trx) =>
      auditLog.tenant(trx, { action: 'report.exported', subjectType: 'export', subjectId: dataset, meta: { format, ...filters } })
    )
    const definition = DATASETS[dataset]
    const batches = this.#batches(definition, range, filters)
    const stream = format === 'csv' ? csvStream(definition.columns, batches) : xlsxStream(dataset, definition.columns, batches)
    return {
      filename: `${dataset}_${range.from}_${range.to}.${format}`,
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      stream,
    }
  }

  async *#batches(definition: Dataset, range: ReportRange, filters: ExportFilters): AsyncGenerator<any[]> {
    let afterId = 0
    for (;;) {
      const rows = await runInTenant(this.tenant, async (trx) => {
        // Short keyset batches: compiling them (JIT) costs more than running them.
        await trx.rawQuery("select set_config('jit', 'off', true)")
        return definition.batch(trx, range, filters, afterId, BATCH)
      })
      if (!rows.length) return
      yield rows
      if (rows.length < BATCH) return
      afterId = Number(rows[rows.length - 1].id)
    }
  }
}

function csvStream(columns: Column[], batches: AsyncGenerator<any[]>): Readable {
  const out = new PassThrough()
  const line = (cells: string[]) => `${cells.map(csvCell).join(',')}\r\n`
  void (async () => {
    out.write(`\uFEFF${line(columns.map((column) => column.title))}`)
    for await (const rows of batches) {
      const chunk = rows.map((row) => line(columns.map((column) => csvValue(column, row)))).join('')
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve))
    }
    out.end()
  })().catch((error) => {
    logger.error({ err: error }, 'CSV export failed')
    out.destroy(error)
  })
  return out
}

function xlsxStream(dataset: ExportDataset, columns: Column[], batches: AsyncGenerator<any[]>): Readable {
  const out = new PassThrough()
  void (async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
    const sheet = workbook.addWorksheet(dataset, { views: [{ state: 'frozen', ySplit: 1 }] })
    sheet.columns = columns.map((column) => ({
      header: column.title,
      width: column.kind === 'time' ? 20 : column.kind === 'text' ? 18 : 12,
      style: column.kind === 'money' ? { numFmt: '#,##0.00' } : {},
    }))
    sheet.getRow(1).font = { bold: true }
    for await (const rows of batches) {
      for (const row of rows) sheet.addRow(columns.map((column) => xlsxValue(column, row))).commit()
    }
    sheet.commit()
    await workbook.commit()
  })().catch((error) => {
    logger.error({ err: error }, 'XLSX export failed')
    out.destroy(error)
  })
  return out
}
