/*
 * How the console writes the API's codes and times: 中文 first, English after, as the scanner does.
 * Money and the zone-aware time formats are shared with the platform console (resources/shared/format.ts).
 */
export { yuan, toFen, BEIJING, localText, dateTime, dayOf } from '../shared/format'
import { BEIJING, localText } from '../shared/format'

/** The clock time (HH:mm) of an instant in the zone. */
export function clock(value: string | Date, zone = BEIJING) {
  return localText(value, zone).slice(11)
}

/** The zone's UTC offset at an instant, as "+08:00". */
function offsetAt(date: Date, zone: string) {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(date).find((part) => part.type === 'timeZoneName')!.value
  return name === 'GMT' ? '+00:00' : name.slice(3)
}

/** "2026-05-01 09:00" (or a day and a clock time) in the zone → 2026-05-01T09:00:00+08:00, as the API wants it. */
export function instantOf(local: string, zone = BEIJING) {
  const text = local.replace(' ', 'T').slice(0, 16)
  const guess = new Date(`${text}:00Z`)
  // The offset at the guessed instant, then at the instant it gives (a DST change in between).
  const first = offsetAt(guess, zone)
  const offset = offsetAt(new Date(`${text}:00${first}`), zone)
  return `${text}:00${offset}`
}

export const PRODUCT_KINDS: Record<string, string> = {
  adult: '成人票 Adult',
  child: '儿童票 Child',
  senior: '老人票 Senior',
  student: '学生票 Student',
  group: '团体票 Group',
  package: '套票 Package',
  annual_pass: '年卡 Annual pass',
  free: '免费票 Free',
}

export const PRODUCT_STATUSES: Record<string, string> = {
  draft: '草稿 Draft',
  on_sale: '在售 On sale',
  off_sale: '已下架 Off sale',
}

export const SESSION_STATUSES: Record<string, string> = {
  open: '开放 Open',
  closed: '已关闭 Closed',
  cancelled: '已取消 Cancelled',
}

export const ORDER_STATUSES: Record<string, string> = {
  pending_payment: '待支付 Awaiting payment',
  issued: '已出票 Issued',
  partially_used: '部分使用 Partly used',
  used: '已使用 Used',
  refunding: '退款中 Refunding',
  partially_refunded: '部分退款 Partly refunded',
  refunded: '已退款 Refunded',
  cancelled: '已取消 Cancelled',
  expired: '已过期 Expired',
}

export const TICKET_STATUSES: Record<string, string> = {
  reserved: '待支付 Reserved',
  valid: '有效 Valid',
  used: '已核销 Used',
  refunding: '退款中 Refunding',
  refunded: '已退 Refunded',
  changed: '已改签 Changed',
  void: '作废 Void',
}

export const REFUND_STATUSES: Record<string, string> = {
  requested: '待审核 Awaiting review',
  rejected: '已拒绝 Rejected',
  processing: '处理中 Processing',
  succeeded: '已退款 Refunded',
  failed: '失败 Failed',
  abnormal: '异常 Abnormal',
}

export const CHANGE_STATUSES: Record<string, string> = {
  requested: '待审核 Awaiting review',
  awaiting_payment: '待补差价 Awaiting payment',
  completed: '已改签 Completed',
  rejected: '已拒绝 Rejected',
  cancelled: '已取消 Cancelled',
}

export const PAY_CHANNELS: Record<string, string> = {
  wechat_pay: '微信支付 WeChat Pay',
  alipay: '支付宝 Alipay',
  unionpay: '银联 UnionPay',
}

export const SALES_CHANNELS: Record<string, string> = {
  visitor: '线上 Online',
  box_office: '售票处 Box office',
  distributor: '分销 Distributor',
}

export const ORDER_EVENTS: Record<string, string> = {
  placed: '下单 Placed',
  payment_started: '发起支付 Payment started',
  paid: '已支付 Paid',
  issued: '已出票 Issued',
  expired: '超时关闭 Expired',
  cancelled: '已取消 Cancelled',
  payment_returned: '退回多付款 Payment returned',
  refund_requested: '申请退票 Refund requested',
  refund_approved: '同意退票 Refund approved',
  refund_rejected: '拒绝退票 Refund rejected',
  refund_succeeded: '退款成功 Refunded',
  refund_failed: '退款失败 Refund failed',
  refund_abnormal: '退款异常 Refund abnormal',
  refund_retried: '重新退款 Refund retried',
  change_requested: '申请改签 Change requested',
  change_awaiting_payment: '待补差价 Change awaiting payment',
  change_rejected: '拒绝改签 Change rejected',
  changed: '已改签 Changed',
  ticket_reissued: '重发电子票 Ticket reissued',
}

export const ACTORS: Record<string, string> = {
  visitor: '游客 Visitor',
  staff: '员工 Staff',
  system: '系统 System',
  channel: '支付渠道 Channel',
}

/** A code's label, or the code itself when the console does not know it yet. */
export const label = (labels: Record<string, string>, code: string | null | undefined) => (code ? (labels[code] ?? code) : '—')

export const WEEKDAYS = ['周一 Mon', '周二 Tue', '周三 Wed', '周四 Thu', '周五 Fri', '周六 Sat', '周日 Sun']
