/*
 * What the statistics, exports, settlement, staff and audit screens share: the API's shapes
 * (docs/reports.md), their codes as staff read them, and calendar days at the venue (Beijing).
 */
import { context } from '../../session'
import { dayOf } from '../../format'
import { addDays } from '../catalog/month'
import type { AuditRecord } from '../../../shared/audit'

/** A range of calendar days, both included, as the API takes them (YYYY-MM-DD). */
export type DayRange = [string, string]

const DAY_MS = 86_400_000

/** How many days a range covers, both ends included. */
export const daysIn = ([from, to]: DayRange) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1

/** The presets of every range picker; "today" is Beijing's today, whatever the browser's zone. */
export const RANGE_PRESETS: { key: string; label: string; range: () => DayRange }[] = [
  { key: 'today', label: '今天 Today', range: () => [dayOf(new Date()), dayOf(new Date())] },
  { key: '7d', label: '近7天 7 days', range: () => [addDays(dayOf(new Date()), -6), dayOf(new Date())] },
  { key: '30d', label: '近30天 30 days', range: () => [addDays(dayOf(new Date()), -29), dayOf(new Date())] },
  { key: 'month', label: '本月 This month', range: () => [`${dayOf(new Date()).slice(0, 8)}01`, dayOf(new Date())] },
]

/** 0.3643 → "36.43%". */
export const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`

export interface DayFigures {
  orders: number
  tickets: number
  sales: number
  discounts: number
  payments: number
  paid: number
  refunds: number
  refundedTickets: number
  refunded: number
  refundFees: number
  net: number
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
  startsAt: string
  endsAt: string
  status: string
  capacity: number
  sold: number
  checkedIn: number
  soldRate: number
  checkinRate: number
}

export interface Statistics {
  range: { from: string; to: string; timezone: string; days: number }
  summary: DayFigures & {
    commission: number
    entries: number
    refundRate: { amount: number; count: number }
    checkin: { sessions: number; capacity: number; sold: number; checkedIn: number; rate: number }
  }
  byDay: (DayFigures & { date: string; entries: number })[]
  byChannel: (DayFigures & { channel: string })[]
  bySalesChannel: { salesChannel: string; orders: number; tickets: number; sales: number }[]
  byProduct: ProductFigures[]
  topProducts: ProductFigures[]
  sessions: SessionFigures[]
  entriesByHour: { hour: number; entries: number }[]
  /** The plan's commission rate in basis points; 0 without one. */
  commissionBp: number
}

/** Payment channels of the statistics and exports: the three channels, or nothing paid. */
export const PAYMENT_CHANNELS: Record<string, string> = {
  wechat_pay: '微信支付 WeChat Pay',
  alipay: '支付宝 Alipay',
  unionpay: '银联 UnionPay',
  free: '免费 Free',
}

export const EXPORT_DATASETS = {
  orders: '订单 Orders',
  tickets: '门票 Tickets',
  checkins: '核销记录 Check-ins',
  refunds: '退款 Refunds',
} as const

export type ExportDataset = keyof typeof EXPORT_DATASETS

export const CHECKIN_RESULTS: Record<string, string> = {
  admitted: '核销成功 Admitted',
  exited: '已出场 Exited',
  already_used: '已使用 Already used',
  wrong_day: '非当日票 Wrong day',
  not_yet_open: '未到入场时间 Not yet open',
  closed: '入场已结束 Entry closed',
  refunded: '已退票 Refunded',
  changed: '已改签 Changed',
  revoked: '券码已更换 Code replaced',
  not_valid: '无效票 Not valid',
  wrong_venue: '非本场地门票 Other site',
  party_exceeded: '超出人数 Too many people',
  not_inside: '无入场记录 Not inside',
  unknown: '无效券码 Unknown code',
}

/** Where a dataset's file is downloaded: a plain link, sent with the session cookie. */
export function exportUrl(dataset: ExportDataset, format: 'csv' | 'xlsx', filters: Record<string, string | number | undefined>) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== '') params.set(key, String(value))
  params.set('format', format)
  return `${context.api}/reports/exports/${dataset}?${params}`
}

export type SettlementStatus = 'matched' | 'differences' | 'failed' | 'not_fetched'

export const SETTLEMENT_STATUSES: Record<SettlementStatus, { text: string; type: 'success' | 'warning' | 'danger' | 'info' }> = {
  matched: { text: '已平账 Matched', type: 'success' },
  differences: { text: '有差异 Differences', type: 'warning' },
  failed: { text: '获取失败 Failed', type: 'danger' },
  not_fetched: { text: '未获取 Not fetched', type: 'info' },
}

export const DIFFERENCE_PROBLEMS: Record<string, string> = {
  missing_in_tessera: '平台无记录 Not recorded by Tessera',
  missing_in_bill: '账单无此笔 Not on the bill',
  amount_mismatch: '金额不符 Amounts differ',
}

export interface SettlementFigures {
  recorded: { payments: number; paymentAmount: number; refunds: number; refundAmount: number; net: number }
  bill: { payments: number; paymentAmount: number; refunds: number; refundAmount: number; fee: number; net: number }
}

export interface SettlementDay extends Partial<SettlementFigures> {
  channel: string
  date: string
  status: SettlementStatus
  merchantId?: string
  error?: string | null
  differenceCount?: number
  fetchedAt?: string
  confirmed?: { at: string; by: string; note: string | null } | null
}

/** The platform's commission (平台佣金) beside the settlement list: the plan's rate (bp, 0 = none) and the range's figures. */
export interface CommissionFigures {
  bp: number
  orders: number
  sales: number
  amount: number
  /** Each channel and day with paid orders. */
  days: { date: string; channel: string; orders: number; sales: number; commission: number }[]
}

/** 250 basis points → "2.50%". */
export const basisPoints = (bp: number) => percent(bp / 10_000)

export interface Settlement extends Omit<SettlementDay, keyof SettlementFigures>, SettlementFigures {
  differences: { kind: 'payment' | 'refund'; problem: string; outTradeNo: string; outRefundNo: string | null; recordedAmount: number | null; billAmount: number | null; note: string | null }[]
  lines: { kind: 'payment' | 'refund'; outTradeNo: string; outRefundNo: string | null; channelTradeNo: string | null; channelRefundNo: string | null; amount: number; fee: number; occurredAt: string }[]
}

export interface StaffMember {
  id: number
  email: string
  fullName: string
  phone: string | null
  status: 'active' | 'disabled'
  roles: string[]
  twoFactorEnabled: boolean
  lastLoginAt: string | null
  createdAt: string
}

export interface Role {
  key: string
  name: string
  description: string | null
  builtin: boolean
  permissions: string[]
  memberCount: number
}

export interface Permission {
  key: string
  label: string
}

/** The permissions' resources, as the role editor groups them. */
export const PERMISSION_GROUPS: Record<string, string> = {
  venue: '场馆 Venue',
  catalog: '产品与场次 Catalog',
  inventory: '库存 Inventory',
  orders: '订单 Orders',
  refunds: '退改 Refunds',
  members: '会员 Members',
  checkin: '核销 Check-in',
  devices: '设备 Devices',
  reports: '统计 Reports',
  finance: '财务 Finance',
  channels: '支付与公众号 Channels',
  marketing: '营销 Marketing',
  staff: '员工 Staff',
  roles: '角色 Roles',
  audit: '审计 Audit',
}

/** The built-in roles' names in Chinese first (the API names them in English). */
export const BUILTIN_ROLE_NAMES: Record<string, string> = {
  owner: '所有者',
  admin: '管理员',
  box_office: '售票员',
  checkin: '检票员',
  finance: '财务',
  marketing: '市场',
}

export const roleName = (role: Pick<Role, 'key' | 'name'>) => (BUILTIN_ROLE_NAMES[role.key] ? `${BUILTIN_ROLE_NAMES[role.key]} ${role.name}` : role.name)

export interface AuditEntry extends AuditRecord {
  userAgent: string | null
  requestId: string | null
  meta: unknown
}
