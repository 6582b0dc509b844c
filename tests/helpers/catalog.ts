/*
 * Sellable fixtures inserted directly in a tenant: a site, products on sale, a session and its
 * quotas (and, for halls, seats). Inventory tests use them without going through the console API.
 */
import { DateTime } from 'luxon'
import Site from '#catalog/models/site'
import Zone from '#catalog/models/zone'
import Seat from '#catalog/models/seat'
import Product, { type ProductKind } from '#catalog/models/product'
import Session from '#catalog/models/session'
import Quota from '#inventory/models/quota'
import { materializeSessionSeats } from '#inventory/services/seat_inventory'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface SaleOptions {
  /** One quota per entry; each lists the product indexes it counts (all products by default). */
  quotas?: { capacity: number; products?: number[] }[]
  products?: { kind?: ProductKind; price?: number; idLimitScope?: 'none' | 'session' | 'day'; maxPerOrder?: number }[]
  kind?: 'slot' | 'performance'
  startsInHours?: number
  /** A hall of rows × seatsPerRow for reserved seating. */
  hall?: { rows: number; seatsPerRow: number }
}

export async function seedSale(tenant: Tenant, options: SaleOptions = {}) {
  return runInTenant(tenant, async (trx) => {
    const client = { client: trx }
    const site = await Site.create({ name: 'Main gate', timezone: 'Asia/Shanghai' }, client)
    const hall = options.hall ? await Zone.create({ siteId: site.id, name: 'Hall', kind: 'hall' }, client) : null
    if (hall && options.hall) {
      const seats = []
      for (let r = 1; r <= options.hall.rows; r++) {
        for (let n = 1; n <= options.hall.seatsPerRow; n++) {
          seats.push({ zoneId: hall.id, section: 'Stalls', rowLabel: String(r), seatLabel: String(n), x: n, y: r, accessible: false, sellable: true })
        }
      }
      await Seat.createMany(seats, client)
    }
    const products = await Product.createMany(
      (options.products ?? [{}]).map((p, i) => ({
        siteId: site.id,
        zoneId: hall?.id ?? null,
        name: `Ticket ${i + 1}`,
        kind: p.kind ?? 'adult',
        basePrice: p.price ?? 8000,
        status: 'on_sale' as const,
        seating: hall ? ('reserved' as const) : ('general' as const),
        idLimitScope: p.idLimitScope ?? 'none',
        maxPerOrder: p.maxPerOrder ?? 10,
        images: [],
        refundTiers: [],
      })),
      client
    )
    const startsAt = DateTime.now().plus({ hours: options.startsInHours ?? 24 }).startOf('hour')
    const session = await Session.create(
      { siteId: site.id, zoneId: hall?.id ?? null, kind: options.kind ?? 'slot', startsAt, endsAt: startsAt.plus({ hours: 1 }), status: 'open' },
      client
    )
    if (hall) await materializeSessionSeats(trx, session.id, hall.id)
    const quotas = []
    for (const [i, spec] of (options.quotas ?? [{ capacity: 100 }]).entries()) {
      const quota = await Quota.create({ sessionId: session.id, name: `Quota ${i + 1}`, capacity: spec.capacity, held: 0, sold: 0 }, client)
      const members = spec.products ?? products.map((_, index) => index)
      await trx.table('quota_products').multiInsert(members.map((index) => ({ quota_id: quota.id, product_id: products[index].id })))
      quotas.push(quota)
    }
    const seatIds = hall ? (await trx.from('seats').where('zone_id', hall.id).orderBy(['y', 'x']).select('id')).map((r) => Number(r.id)) : []
    return { site, products, session, quotas, seatIds }
  })
}

/**
 * Another session of the sale's site `hoursLater` after its first (a day by default), with one quota
 * of `capacity` counting these products (the first by default): somewhere to change (改签) to.
 */
export async function laterSession(
  tenant: Tenant,
  sale: { site: { id: number }; session: { startsAt: DateTime }; products: { id: number }[] },
  options: { hoursLater?: number; capacity?: number; productIds?: number[] } = {}
) {
  return runInTenant(tenant, async (trx) => {
    const startsAt = sale.session.startsAt.plus({ hours: options.hoursLater ?? 24 })
    const session = await Session.create({ siteId: sale.site.id, kind: 'slot', startsAt, endsAt: startsAt.plus({ hours: 1 }), status: 'open' }, { client: trx })
    const quota = await Quota.create({ sessionId: session.id, name: 'Later', capacity: options.capacity ?? 5, held: 0, sold: 0 }, { client: trx })
    const productIds = options.productIds ?? [sale.products[0].id]
    await trx.table('quota_products').multiInsert(productIds.map((productId) => ({ quota_id: quota.id, product_id: productId })))
    return { id: session.id, quotaId: quota.id }
  })
}

/** The counters of a quota now, and the holds that account for them. */
export async function quotaState(tenant: Tenant, quotaId: number) {
  return runInTenant(tenant, async (trx) => {
    const quota = await trx.from('quotas').where('id', quotaId).firstOrFail()
    const [active] = (
      await trx.rawQuery(
        `select coalesce(sum((t->>'quantity')::int) filter (where h.status = 'active'), 0)::int as active,
                coalesce(sum((t->>'quantity')::int) filter (where h.status = 'consumed'), 0)::int as consumed
         from holds h cross join jsonb_array_elements(h.quotas) t where (t->>'quota_id')::bigint = ?`,
        [quotaId]
      )
    ).rows
    return { capacity: quota.capacity, held: quota.held, sold: quota.sold, activeHeld: active.active, consumed: active.consumed }
  })
}
