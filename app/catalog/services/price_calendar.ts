/*
 * The price calendar: what a product costs on a day (a local date of its site, YYYY-MM-DD) or at
 * one of its sessions. Money is integer fen. `PriceCalendar` decides from the facts it is given,
 * with no database; `loadPriceCalendar` reads those facts for a range of days, one query per table.
 *
 * A rule applies when every condition it sets holds (its session, its dates, both included, and
 * its kind of day). Among the rules that apply, the first difference decides:
 * 1. a rule for the session being bought beats rules for dates;
 * 2. a rule for the day's kind beats a rule for 'any' day;
 * 3. the narrower date range wins (a range with an open end is as wide as can be);
 * 4. the rule created last wins.
 * A day has one kind: a holiday in calendar_days is a holiday whatever its weekday; a make-up
 * workday (调休) is a weekday though it falls on a weekend; otherwise Saturday and Sunday are the
 * weekend. With no rule the product's base price applies. A member pays the rule's member price
 * if it has one, else the price.
 */
import { invalid, notFound } from '#core/app_error'
import CalendarDay from '#catalog/models/calendar_day'
import PriceRule, { type DayKind } from '#catalog/models/price_rule'
import Product from '#catalog/models/product'
import type Session from '#catalog/models/session'
import type Site from '#catalog/models/site'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** The longest range of days the visitor calendar prices at once. */
const MAX_CALENDAR_DAYS = 366

const DAY_MS = 86_400_000

export type KindOfDay = Exclude<DayKind, 'any'>

/** A rule's terms; dates are local YYYY-MM-DD, null where the rule sets no such condition. */
export interface PriceRuleFields {
  sessionId: number | null
  dateFrom: string | null
  dateTo: string | null
  dayKind: DayKind
  price: number
  memberPrice: number | null
}

/** A price rule as the calendar needs it; createdAt in epoch milliseconds. */
export interface PriceRuleTerms extends PriceRuleFields {
  id: number
  createdAt: number
}

export interface CalendarDayTerms {
  day: string
  kind: 'holiday' | 'workday'
}

/** `memberPrice` only when asked for a member; `ruleId` only when a rule applies. */
export interface Quote {
  price: number
  memberPrice?: number
  ruleId?: number
}

export interface DayPrice {
  date: string
  price: number
  memberPrice: number
}

/** Days since 1970-01-01: dates compare and subtract as numbers. */
function dayNumber(date: string): number {
  const [year, month, day] = date.split('-').map(Number)
  return Date.UTC(year, month - 1, day) / DAY_MS
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** The number of days from `from` to `to`, both included. */
function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from) + 1
}

interface RankedRule extends PriceRuleTerms {
  first: number
  last: number
  width: number
}

function ranked(rule: PriceRuleTerms): RankedRule {
  const first = rule.dateFrom === null ? -Infinity : dayNumber(rule.dateFrom)
  const last = rule.dateTo === null ? Infinity : dayNumber(rule.dateTo)
  // A finite stand-in for open ranges, so widths subtract without Infinity - Infinity.
  const width = Number.isFinite(first) && Number.isFinite(last) ? last - first : Number.MAX_SAFE_INTEGER
  return { ...rule, first, last, width }
}

/** Negative when `a` takes precedence over `b` (the numbered list above). */
function precedence(a: RankedRule, b: RankedRule): number {
  return (
    Number(b.sessionId !== null) - Number(a.sessionId !== null) ||
    Number(b.dayKind !== 'any') - Number(a.dayKind !== 'any') ||
    a.width - b.width ||
    b.createdAt - a.createdAt ||
    b.id - a.id
  )
}

export class PriceCalendar {
  /** Best first: precedence does not depend on the day, so the first rule that applies wins. */
  readonly #rules: RankedRule[]
  readonly #marked: Map<string, CalendarDayTerms['kind']>

  constructor(
    readonly basePrice: number,
    rules: PriceRuleTerms[],
    calendarDays: CalendarDayTerms[]
  ) {
    this.#rules = rules.map(ranked).sort(precedence)
    this.#marked = new Map(calendarDays.map(({ day, kind }) => [day, kind]))
  }

  kindOf(date: string): KindOfDay {
    const marked = this.#marked.get(date)
    if (marked === 'holiday') return 'holiday'
    if (marked === 'workday') return 'weekday'
    const weekday = new Date(dayNumber(date) * DAY_MS).getUTCDay()
    return weekday === 0 || weekday === 6 ? 'weekend' : 'weekday'
  }

  /** The price on `date`, at `sessionId` if given (a session on that date), for a member or not. */
  quote(date: string, options: { sessionId?: number; member?: boolean } = {}): Quote {
    const { rule, price, memberPrice } = this.#prices(date, options.sessionId ?? null)
    return { price, ...(options.member ? { memberPrice } : {}), ...(rule ? { ruleId: rule.id } : {}) }
  }

  /** Every day from `from` to `to` (both included), with the price and the member price. */
  days(from: string, to: string): DayPrice[] {
    const prices: DayPrice[] = []
    for (let day = dayNumber(from), last = dayNumber(to); day <= last; day++) {
      const date = dateOf(day)
      const { price, memberPrice } = this.#prices(date, null)
      prices.push({ date, price, memberPrice })
    }
    return prices
  }

  #prices(date: string, sessionId: number | null) {
    const day = dayNumber(date)
    const kind = this.kindOf(date)
    const rule = this.#rules.find(
      (candidate) =>
        (candidate.sessionId === null || candidate.sessionId === sessionId) &&
        candidate.first <= day &&
        day <= candidate.last &&
        (candidate.dayKind === 'any' || candidate.dayKind === kind)
    )
    const price = rule?.price ?? this.basePrice
    return { rule, price, memberPrice: rule?.memberPrice ?? price }
  }
}

/** A stored rule's terms with local YYYY-MM-DD dates, as the validators spell them. */
export function priceRuleFields(rule: PriceRule): PriceRuleFields {
  return {
    sessionId: rule.sessionId,
    dateFrom: rule.dateFrom?.toISODate() ?? null,
    dateTo: rule.dateTo?.toISODate() ?? null,
    dayKind: rule.dayKind,
    price: rule.price,
    memberPrice: rule.memberPrice,
  }
}

/** A stored rule as the price calendar takes it. */
export function ruleTerms(rule: PriceRule): PriceRuleTerms {
  return { ...priceRuleFields(rule), id: rule.id, createdAt: rule.createdAt.toMillis() }
}

/**
 * The calendar of `product` for the days `from` to `to`: its rules that reach into the range
 * (session rules included, for quotes at a session) and the range's calendar days.
 */
export async function loadPriceCalendar(trx: TenantTransaction, product: Product, from: string, to: string) {
  const rules = await PriceRule.query({ client: trx })
    .where('product_id', product.id)
    .where((query) => query.whereNull('date_from').orWhere('date_from', '<=', to))
    .where((query) => query.whereNull('date_to').orWhere('date_to', '>=', from))
  const days = await CalendarDay.query({ client: trx }).whereBetween('day', [from, to])
  return new PriceCalendar(
    product.basePrice,
    rules.map(ruleTerms),
    days.map((day) => ({ day: day.day.toISODate()!, kind: day.kind }))
  )
}

/** What `product` costs at `session` (on the session's local day at its site): what checkout and changes charge. */
export async function priceAtSession(trx: TenantTransaction, product: Product, session: Session, site: Site) {
  const day = session.startsAt.setZone(site.timezone).toISODate()!
  return (await loadPriceCalendar(trx, product, day, day)).quote(day, { sessionId: session.id }).price
}

/** Each day's prices of a product: for visitors, only a product on sale (any other is not found); for staff, any. */
export function dailyPrices(tenant: Tenant, productId: number, from: string, to: string, audience: 'visitor' | 'staff' = 'visitor') {
  if (daysBetween(from, to) > MAX_CALENDAR_DAYS) {
    throw invalid('to', `Ask for at most ${MAX_CALENDAR_DAYS} days at once`, 'E_RANGE_TOO_LONG')
  }
  return runInTenant(tenant, async (trx) => {
    // Staff price a product before it goes on sale; visitors see only what is on sale.
    const product = await Product.query({ client: trx }).where('id', productId).if(audience === 'visitor', (query) => query.where('status', 'on_sale')).first()
    if (!product) throw notFound(audience === 'visitor' ? 'No such product on sale' : 'No such product', 'E_PRODUCT_NOT_FOUND')
    return (await loadPriceCalendar(trx, product, from, to)).days(from, to)
  })
}
