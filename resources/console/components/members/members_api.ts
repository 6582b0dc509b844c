/*
 * What the console API answers for members (会员), passes (年卡), coupons (优惠券), distributors (分销)
 * and webhooks, and the labels the screens show for their codes. Shapes: docs/members.md,
 * docs/passes.md, docs/payments.md (coupons), docs/distributors.md, docs/webhooks.md.
 */
export interface Tier {
  id: number
  name: string
  description: string | null
  price: number
  free: boolean
  validityDays: number | null
  memberPrice: boolean
  discountPercent: number
  earnPoints: number
  earnPerFen: number
  priorityHours: number
  status: 'active' | 'inactive'
  /** Active members now (in the console's list only). */
  members?: number
}

export interface PointsSettings {
  redeemPoints: number
  redeemFen: number
  redeemMaxPercent: number
}

export interface Member {
  id: number
  visitor: { id: number; name: string | null; phone: string | null; email: string | null }
  tier: { id: number; name: string | null }
  status: 'active' | 'expired' | 'cancelled'
  source: 'self' | 'staff' | string
  joinedAt: string
  expiresAt: string | null
  points: number
}

export interface PointsMovement {
  id: number
  reason: string
  delta: number
  balanceAfter: number
  shortfall: number
  order: string | null
  note: string | null
  actor: string | null
  at: string
}

export interface Pass {
  id: number
  ticketId: number
  order: string
  product: { id: number; name: string }
  status: 'pending_activation' | 'active' | 'expired' | 'suspended' | 'revoked'
  statusReason: string | null
  holder: { name: string; idMasked: string | null; phone: string | null }
  activateBy: string
  activatedAt: string | null
  validUntil: string | null
  lastDay: string | null
  entriesUsed: number
  entriesLeft: number | null
  renewal: { price: number; refusal: string | null } | null
}

export interface PassDetail extends Pass {
  entries: { id: number; at: string; result: string; direction: string; method: string; site: { id: number; name: string } | null; device: string | null; offline: boolean }[]
  events: { type: string; actor: string | null; reason: string | null; data: Record<string, unknown>; at: string }[]
  renewals: { order: string; orderStatus: string; price: number; status: string; validUntilBefore: string | null; validUntilAfter: string | null; appliedAt: string | null }[]
}

export interface Campaign {
  id: number
  name: string
  /** 'none': a voucher that only unlocks products or reserved places. */
  kind: 'amount_off' | 'percent_off' | 'none'
  value: number
  minSpend: number
  productIds: number[]
  validFrom: string | null
  validUntil: string | null
  usesPerCode: number
  usesPerVisitor: number | null
  giveBackOnRefund: boolean
  status: 'active' | 'disabled'
  codes?: number
  used?: number
  /** Places still set aside for its codes, per quota of a session (预留名额). */
  reserves?: { sessionId: number; quotaId: number; quotaName: string; places: number }[]
}

export interface CouponCode {
  code: string
  uses: number
  maxUses: number
}

export interface Distributor {
  id: number
  name: string
  contact: { name: string | null; phone: string | null; email: string | null }
  status: 'active' | 'suspended'
  keyId: string
  callbackUrl: string | null
  balance: number
  createdAt: string
  products?: { productId: number; name: string; basePrice: number; status: string; settlementPrice: number }[]
}

export interface DepositMovement {
  id: number
  kind: 'top_up' | 'withdrawal' | 'order' | 'refund' | string
  amount: number
  balanceAfter: number
  order: string | null
  distributorOrderNo: string | null
  reference: string | null
  note: string | null
  actor: string | null
  at: string
}

export interface Statement {
  distributor: { id: number; name: string }
  from: string
  to: string
  openingBalance: number
  closingBalance: number
  totals: { orders: number; tickets: number; settlementAmount: number; refundedAmount: number; refundFees: number; topUps: number; withdrawals: number; net: number }
  orders: { number: string; distributorOrderNo: string; status: string; tickets: number; settlementAmount: number; refundedAmount: number; at: string }[]
  refunds: { outRefundNo: string; order: string; distributorOrderNo: string; tickets: number; credited: number; fee: number; at: string }[]
  movements: DepositMovement[]
}

export interface WebhookEndpoint {
  id: number
  url: string
  description: string | null
  events: string[]
  status: 'active' | 'disabled'
  createdAt: string
}

export interface Delivery {
  id: number
  endpointId: number
  eventId: string
  eventType: string
  payload: unknown
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  nextAttemptAt: string | null
  lastStatusCode: number | null
  lastError: string | null
  deliveredAt: string | null
  createdAt: string
}

export const MEMBER_STATUSES: Record<string, string> = {
  active: '有效 Active',
  expired: '已过期 Expired',
  cancelled: '已取消 Cancelled',
}

export const MEMBER_SOURCES: Record<string, string> = {
  self: '自助加入 Joined',
  staff: '员工开通 Granted',
  purchase: '线上购买 Bought',
}

export const POINTS_REASONS: Record<string, string> = {
  earned: '消费获得 Earned',
  earn_reversed: '退款扣回 Reversed on refund',
  redeemed: '抵扣使用 Redeemed',
  redeem_returned: '退回积分 Returned',
  adjusted: '人工调整 Adjusted',
}

export const PASS_STATUSES: Record<string, string> = {
  pending_activation: '待激活 Not activated',
  active: '有效 Active',
  expired: '已过期 Expired',
  suspended: '已暂停 Suspended',
  revoked: '已作废 Revoked',
}

export const PASS_EVENTS: Record<string, string> = {
  issued: '出卡 Issued',
  activated: '激活 Activated',
  renewed: '续卡 Renewed',
  suspended: '暂停 Suspended',
  resumed: '恢复 Resumed',
  extended: '延期 Extended',
  revoked: '作废 Revoked',
}

export const ENTRY_RESULTS: Record<string, string> = {
  admitted: '通过 Admitted',
  exited: '离场 Exited',
  already_used: '已使用 Already used',
  wrong_day: '日期不符 Wrong day',
  not_valid: '无效 Not valid',
  wrong_venue: '场地不符 Wrong site',
  pass_not_active: '未激活 Not activated',
  pass_expired: '已过期 Expired',
  pass_suspended: '已暂停 Suspended',
  pass_revoked: '已作废 Revoked',
  blackout_date: '不可用日 Blackout day',
  already_entered_today: '今日已入园 Entered today',
  no_entries_left: '次数用完 No entries left',
}

export const DISTRIBUTOR_STATUSES: Record<string, string> = {
  active: '合作中 Active',
  suspended: '已暂停 Suspended',
}

export const DEPOSIT_KINDS: Record<string, string> = {
  top_up: '充值 Top-up',
  withdrawal: '提现 Withdrawal',
  order: '订单扣款 Order',
  refund: '退款返还 Refund',
}

export const DELIVERY_STATUSES: Record<string, string> = {
  pending: '待发送 Pending',
  delivered: '已送达 Delivered',
  failed: '失败 Failed',
}

export const WEBHOOK_EVENTS: Record<string, string> = {
  'order.paid': '订单已支付 Order paid',
  'order.refunded': '订单已退款 Order refunded',
  'order.changed': '订单已改签 Order changed',
  'ticket.checked_in': '门票已核销 Ticket checked in',
  'pass.activated': '年卡已激活 Pass activated',
  'pass.renewed': '年卡已续卡 Pass renewed',
  'member.joined': '会员加入 Member joined',
}

/** "¥12.34 off" or "10% off": what a campaign gives. */
export const couponValue = (campaign: Pick<Campaign, 'kind' | 'value'>) =>
  ({ percent_off: `${campaign.value}% 折扣 off`, amount_off: `¥${(campaign.value / 100).toFixed(2)} 减 off`, none: '仅解锁 Unlock only' })[campaign.kind]
