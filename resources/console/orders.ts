/* Orders as the console API shows them to staff, and the decisions on what visitors ask (退改签). */
import { api } from './session'

export interface OrderTicket {
  id: number
  status: string
  price: number
  replacesId: number | null
  product: { id: number; name: string; kind: string }
  session: { id: number; name: string | null; startsAt: string; endsAt: string }
  seat: { section: string | null; row: string; label: string } | null
  holder: { name: string; idMasked: string | null; phone: string | null } | null
}

export interface OrderRefund {
  id: number
  outRefundNo: string
  kind: string
  status: string
  amount: number
  fee: number
  reason: string | null
  ticketIds: number[]
  requestedBy?: string | null
  decidedBy?: string | null
  overrideReason?: string | null
  createdAt: string
  completedAt: string | null
}

export interface OrderChange {
  id: number
  status: string
  ticketIds: number[]
  toSessionId: number
  difference: number
  createdAt: string
}

export interface Order {
  number: string
  status: string
  totalAmount: number
  discountAmount: number
  couponCode: string | null
  paidAmount: number
  refundedAmount: number
  salesChannel: string
  createdAt: string
  paidAt: string | null
  /** Until when an unpaid order keeps its places. */
  expiresAt: string
  /** No phone: a box office sale to a walk-in, whose tickets were printed. */
  contact: { name: string | null; phone: string | null }
  tickets: OrderTicket[]
  payments?: { outTradeNo: string; channel: string; method: string; amount: number; status: string; paidAt: string | null; createdAt: string }[]
  refunds?: OrderRefund[]
  changes?: OrderChange[]
  timeline?: { type: string; fromStatus: string | null; toStatus: string | null; actorType: string; actorId: string | null; data: Record<string, unknown>; at: string }[]
}

export const orderDetail = async (number: string) => (await api<{ order: Order }>('GET', `/orders/${number}`)).order

export type Decision = { kind: 'refund' | 'change'; id: number; approve: boolean; reason?: string }

/** Approves or rejects a refund (退票) or change (改签) a visitor asked for. */
export function decide({ kind, id, approve, reason }: Decision) {
  const path = `/${kind === 'refund' ? 'refunds' : 'changes'}/${id}/${approve ? 'approve' : 'reject'}`
  return api('POST', path, approve ? {} : { reason })
}
