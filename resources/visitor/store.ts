/*
 * What the pages share: the venue (GET /api/venue, once), who is signed in, and what this browser
 * keeps for the visitor: each order's access token (a guest's only key to their order) and the
 * last tickets seen (their QR codes still show with no network at the gate).
 */
import { ref } from 'vue'
import { api, ApiError, context } from './http'
import type { Ticket } from '../shared/tickets'

export type ChannelKind = 'wechat_pay' | 'alipay' | 'unionpay'

export interface Venue {
  slug: string
  name: string
  venueType: string
  logoUrl: string | null
  themeColor: string | null
  banners: { imageUrl: string; link: string | null; alt: string | null }[]
  notice: string | null
  intro: string | null
  openingHours: string | null
  address: string | null
  location: unknown
  mapUrl: string | null
  phone: string | null
  defaultLocale: string | null
}

export interface VenueInfo {
  venue: Venue
  payment: { channels: ChannelKind[] }
  wechat: { oauth: boolean }
}

export interface Account {
  id: number
  displayName?: string | null
  email?: string | null
  phone?: string | null
}

/** PagesController puts what GET /api/venue answers into the shell: no round trip for the home page. */
const preloaded = (context as { venue?: VenueInfo }).venue ?? null
export const venueInfo = ref<VenueInfo | null>(preloaded)
export const account = ref<Account | null>(null)
export const accountChecked = ref(false)

let venueLoad: Promise<VenueInfo> | null = preloaded ? Promise.resolve(preloaded) : null
export function loadVenue(): Promise<VenueInfo> {
  venueLoad ??= api<VenueInfo>('GET', '/venue').then(
    (info) => (venueInfo.value = info),
    (error) => {
      venueLoad = null
      throw error
    }
  )
  return venueLoad
}

let accountLoad: Promise<Account | null> | null = null
export function loadAccount(force = false): Promise<Account | null> {
  if (force) accountLoad = null
  accountLoad ??= api<{ account: Account }>('GET', '/account/me').then(
    (answer) => (account.value = answer.account),
    (error) => {
      if (!(error instanceof ApiError) || error.status !== 401) accountLoad = null
      account.value = null
      return null
    }
  ).finally(() => (accountChecked.value = true))
  return accountLoad
}

/** Inside WeChat's browser (JSAPI payments, OAuth sign-in). */
export const inWechat = () => /MicroMessenger/i.test(navigator.userAgent)

const keyOf = (name: string) => `tessera.visitor.${context.tenantSlug}.${name}`

function readJson<T>(name: string, fallback: T): T {
  try {
    return JSON.parse(localStorage.getItem(keyOf(name)) ?? '') ?? fallback
  } catch {
    return fallback
  }
}

const writeJson = (name: string, value: unknown) => localStorage.setItem(keyOf(name), JSON.stringify(value))

interface SavedOrder {
  number: string
  token: string
  savedAt: number
}

/** Orders placed in this browser, newest first (a guest's "my orders"). */
export const savedOrders = () => readJson<SavedOrder[]>('orders', [])

export function saveOrderToken(number: string, token: string) {
  const others = savedOrders().filter((order) => order.number !== number)
  writeJson('orders', [{ number, token, savedAt: Date.now() }, ...others].slice(0, 50))
}

export const orderToken = (number: string) => savedOrders().find((order) => order.number === number)?.token

/** The header that opens an order placed in this browser (a signed-in buyer needs none). */
export function orderHeaders(number: string): Record<string, string> {
  const token = orderToken(number)
  return token ? { 'x-order-token': token } : {}
}

export type { Ticket } from '../shared/tickets'

/** The last tickets seen of each order, for the gate when there is no network. */
export const cachedTickets = (number: string) => readJson<Ticket[] | null>(`tickets.${number}`, null)
export const cacheTickets = (number: string, tickets: Ticket[]) => writeJson(`tickets.${number}`, tickets)
