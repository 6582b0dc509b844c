/*
 * The box office (售票窗口). What is on sale, its sessions and places, and the venue's connected
 * channels come from the venue's public visitor API (what a visitor could buy is what the desk
 * sells: the same booking rules apply); the sale, its QR code and the tickets from the console API.
 */
import { createApi } from '../shared/api'
import { api, context } from './session'
import type { Order } from './orders'
import type { Ticket } from '../shared/tickets'
import type { Seat, SeatMapWords } from '../shared/SeatMap.vue'

/** /t/<slug>/console/api → /t/<slug>/api (or /console/api → /api on the venue's host). */
const shop = createApi(context.api.replace(/console\/api$/, 'api'))

export interface ShopProduct {
  id: number
  name: string
  kind: string
  seating: 'general' | 'reserved'
  realNameRequired: boolean
  minPerOrder: number
  maxPerOrder: number
  siteName: string | null
  fromPrice: number | null
}

export interface ShopSession {
  id: number
  name: string | null
  startsAt: string
  endsAt: string
  remaining: number
}

/** The QR channels the desk can show, with their one QR method. */
export const QR_CHANNELS = [
  { channel: 'wechat_pay', method: 'native', name: '微信支付 WeChat Pay' },
  { channel: 'alipay', method: 'precreate', name: '支付宝 Alipay' },
] as const

export type QrChannel = (typeof QR_CHANNELS)[number]['channel']

export interface QrPayment {
  outTradeNo: string
  channel: QrChannel
  amount: number
  expiresAt: string
  start: { kind: 'qr'; url: string }
}

export const onSale = async () => (await shop<{ products: ShopProduct[] }>('GET', '/products')).products

/** The QR channels the venue has connected. */
export async function connectedQrChannels() {
  const venue = await shop<{ payment: { channels: string[] } }>('GET', '/venue')
  return QR_CHANNELS.filter((entry) => venue.payment.channels.includes(entry.channel))
}

/** A code the buyer brings (优惠码/兑换码): what it gives, with the voucher-only products it opens. */
export interface DeskVoucher {
  code: string
  name: string
  products: ShopProduct[]
}

export const voucherOf = async (code: string) => (await shop<{ voucher: DeskVoucher }>('GET', `/vouchers/${encodeURIComponent(code)}`)).voucher

/** The day's sessions; with a voucher, its reserved places count as available. */
export async function sessionsOn(productId: number, date: string, voucher?: string) {
  const query = voucher ? `&voucher=${encodeURIComponent(voucher)}` : ''
  return (await shop<{ sessions: ShopSession[] }>('GET', `/products/${productId}/sessions?date=${date}${query}`)).sessions
}

/** A reserved-seating session's seats as a visitor sees them (free, held or sold). */
export const sessionSeats = async (sessionId: number) => (await shop<{ seats: Seat[] }>('GET', `/sessions/${sessionId}/seats`)).seats

/** The seat map's words at the desk. */
export const SEAT_WORDS: SeatMapWords = {
  available: '可选 Available',
  taken: '已售 Taken',
  chosen: '已选 Chosen',
  stage: '舞台 Stage',
  zoomIn: '放大 Zoom in',
  zoomOut: '缩小 Zoom out',
  map: '座位图 Seat map',
  seat: (row, label) => `${row}排${label}号`,
}

/** The product's price on that day, shown beside each ticket type (the quote prices the sale). */
export async function priceOn(productId: number, date: string) {
  return (await shop<{ prices: { price: number }[] }>('GET', `/products/${productId}/prices?from=${date}&to=${date}`)).prices[0]?.price ?? null
}

/** What a sale will cost, priced by the server as the order will be (the coupon included). */
export interface DeskQuote {
  subtotal: number
  couponDiscount: number
  total: number
  coupon?: { code: string; name: string }
}

/** The sale's quote (报价) through the visitor API: the desk sells at the prices a visitor without an account gets. */
export const quoteOf = async (body: unknown) => (await shop<{ quote: DeskQuote }>('POST', '/orders/quote', body)).quote

export const sell = async (body: unknown, key: string) => (await api<{ order: Order }>('POST', '/orders', body, { 'idempotency-key': key })).order

export const showQr = async (number: string, channel: QrChannel) => (await api<{ payment: QrPayment }>('POST', `/orders/${number}/payments`, { channel })).payment

export const printableTickets = async (number: string) => (await api<{ tickets: Ticket[] }>('GET', `/orders/${number}/tickets`)).tickets
