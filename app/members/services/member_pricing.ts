/*
 * What membership changes when a member buys (会员价, 折扣, 优先购):
 * - the unit price: the price calendar's member price where the tier grants it and the day's rule
 *   sets one below the price; elsewhere the price less the tier's discount percent (rounded in the
 *   member's favour to the fen); a non-member pays the calendar's price;
 * - the sale start: a tier's priority window lets its members hold that many hours before a
 *   product's public sale opens.
 */
import { loadPriceCalendar, priceAtSession } from '#catalog/services/price_calendar'
import type Product from '#catalog/models/product'
import type Session from '#catalog/models/session'
import type Site from '#catalog/models/site'
import { activeMember, type ActiveMember, type TierRow } from '#members/services/member_tiers'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type Tenant from '#tenancy/models/tenant'

/** A member's unit price from the day's price and member price. */
export function memberUnitPrice(tier: Pick<TierRow, 'member_price' | 'discount_percent'>, price: number, memberPrice: number) {
  if (tier.member_price && memberPrice < price) return memberPrice
  return price - Math.floor((price * tier.discount_percent) / 100)
}

export class MemberPricer {
  constructor(readonly member: ActiveMember | null) {}

  /** What this buyer pays for `product` at `session` (checkout's unit price). */
  async priceAtSession(trx: TenantTransaction, product: Product, session: Session, site: Site) {
    return (await this.unitPrice(trx, product, session, site)).price
  }

  /** The unit price, and whether membership made it lower than the calendar's (to show as 会员价). */
  async unitPrice(trx: TenantTransaction, product: Product, session: Session, site: Site) {
    const tier = this.member?.tier
    if (!tier || (!tier.member_price && tier.discount_percent === 0)) return { price: await priceAtSession(trx, product, session, site), memberPrice: false }
    const day = session.startsAt.setZone(site.timezone).toISODate()!
    const quote = (await loadPriceCalendar(trx, product, day, day)).quote(day, { sessionId: session.id, member: true })
    const price = memberUnitPrice(tier, quote.price, quote.memberPrice!)
    return { price, memberPrice: price < quote.price }
  }
}

export default class MemberPricing {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new MemberPricing(tenant)
  }

  /** The pricer for this buyer (a visitor who is a member now, or anyone else). */
  async of(trx: TenantTransaction, visitorId: number | null) {
    return new MemberPricer(visitorId === null ? null : await activeMember(trx, visitorId))
  }

  /** Minutes before public sale starts that this visitor may hold (0: not a member, or no window). */
  async priorityMinutes(visitorId: number, client?: QueryClientContract) {
    const read = async (trx: TenantTransaction) => ((await activeMember(trx, visitorId))?.tier.priority_hours ?? 0) * 60
    return client ? read(client as TenantTransaction) : runInTenant(this.tenant, read)
  }
}
