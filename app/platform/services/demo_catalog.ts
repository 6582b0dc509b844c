/*
 * What the demo venues sell: a site each with its tickets, schedule and capacity. Everything goes
 * through the console's validators and services, as the console API's controllers call them, so
 * the demo obeys every rule a venue's own catalog does. A venue whose demo site exists is left
 * alone. The services take the audit actor from the HTTP request; outside one it is `system`.
 */
import { DateTime } from 'luxon'
import SiteCatalog from '#catalog/services/site_catalog'
import ProductCatalog from '#catalog/services/product_catalog'
import SessionSchedule from '#catalog/services/session_schedule'
import SeatMapService from '#catalog/services/seat_map_service'
import PriceRulesAdmin from '#catalog/services/price_rules_admin'
import { createSiteValidator } from '#catalog/validators/site'
import { createZoneValidator } from '#catalog/validators/zone'
import { createProductValidator, updateProductValidator } from '#catalog/validators/product'
import { createPriceRuleValidator } from '#catalog/validators/price_rule'
import { calendarDayValidator } from '#catalog/validators/calendar_day'
import { generateSessionsValidator } from '#catalog/validators/session'
import { seatMapValidator } from '#catalog/validators/seat_map'
import Coupons from '#members/services/coupons'
import { createCouponValidator } from '#members/validators/coupon'
import type Tenant from '#tenancy/models/tenant'

const TIMEZONE = 'Asia/Shanghai'

/** Statutory holidays on fixed dates; the lunar ones (春节, 清明, 端午, 中秋) move every year. */
const FIXED_HOLIDAYS: [monthDay: string, name: string][] = [
  ['01-01', '元旦'],
  ['05-01', '劳动节'],
  ['05-02', '劳动节'],
  ['10-01', '国庆节'],
  ['10-02', '国庆节'],
  ['10-03', '国庆节'],
]

interface DemoCatalog {
  site: { name: string; address: string }
  build(tenant: Tenant, siteId: number): Promise<void>
}

/** `days` local days from today at the demo sites, both ends included. */
function nextDays(days: number) {
  const today = DateTime.now().setZone(TIMEZONE).startOf('day')
  return { from: today.toISODate()!, to: today.plus({ days: days - 1 }).toISODate()! }
}

function holidaysBetween(from: string, to: string) {
  const years = new Set([from.slice(0, 4), to.slice(0, 4)])
  return [...years]
    .flatMap((year) => FIXED_HOLIDAYS.map(([monthDay, name]) => ({ date: `${year}-${monthDay}`, name })))
    .filter(({ date }) => date >= from && date <= to)
}

const clock = (hour: number) => `${String(hour).padStart(2, '0')}:00`

/** A weekly template's entries: each of `slots` on each of `weekdays` (1 = Monday). */
function weekly(weekdays: number[], slots: [start: string, end: string][], name?: string) {
  return weekdays.flatMap((weekday) => slots.map(([start, end]) => ({ weekday, start, end, name })))
}

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]

/** The serialized product carries its id, which the type of ProductCatalog's result drops. */
type CreatedProduct = Awaited<ReturnType<ProductCatalog['create']>> & { id: number }

/** Creates a product (a draft) and returns its id. */
async function createProduct(tenant: Tenant, input: Record<string, unknown>) {
  const product = (await ProductCatalog.for(tenant).create(await createProductValidator.validate(input))) as CreatedProduct
  return product.id
}

/** Last, so nothing is on sale before it has sessions and capacity. */
async function putOnSale(tenant: Tenant, productIds: number[]) {
  const changes = await updateProductValidator.validate({ status: 'on_sale' })
  for (const id of productIds) await ProductCatalog.for(tenant).update(id, changes)
}

/** Numbered rows 1..`count`, seats 1..`seats` from the left, `y0` rows from the stage. */
function numberedRows(count: number, y0: number, seats: number, x0: number) {
  return Array.from({ length: count }, (_, i) => ({ label: String(i + 1), y: y0 + i, from: 1, to: seats, x0, step: 1 }))
}

const GRAND_HALL_MAP = {
  sections: [
    {
      name: '池座 Stalls',
      // The sound desk takes two seats in the middle of the back row.
      rows: numberedRows(12, 1, 24, 0).map((row) => (row.label === '12' ? { ...row, unsellable: ['12', '13'] } : row)),
    },
    { name: '楼座 Circle', rows: numberedRows(6, 15, 20, 2) },
    {
      name: '包厢 Box',
      rows: ['A', 'B'].map((label, i) => ({ label, y: 22 + i, from: 1, to: 6, x0: 9, step: 1, accessible: ['1', '2', '3', '4', '5', '6'] })),
    },
  ],
}

/** Scenic area, timed entry (分时预约): hourly slots all day, one quota per slot for every ticket. */
const mistyPeak: DemoCatalog = {
  site: { name: '雾峰山景区 Misty Peak', address: '浙江省杭州市临安区雾峰山路1号' },
  async build(tenant, siteId) {
    const refundTiers = [
      { hoursBefore: 24, feePercent: 0 },
      { hoursBefore: 0, feePercent: 10 },
    ]
    const tickets: number[] = []
    for (const [name, kind, basePrice, description] of [
      ['成人票 Adult', 'adult', 12000, '18–59 岁 / ages 18–59'],
      ['儿童票 Child', 'child', 6000, '身高 1.2–1.5 米 / 1.2–1.5 m tall'],
      ['长者票 Senior', 'senior', 6000, '60 岁及以上，凭身份证 / 60 and over, with ID'],
    ] as const) {
      tickets.push(await createProduct(tenant, { siteId, name, kind, basePrice, description, refundable: true, refundTiers }))
    }
    // 媒体邀请票: listed to nobody, opened by the press voucher below (100% off: a comp ticket, 赠票).
    const press = await createProduct(tenant, {
      siteId,
      name: '媒体邀请票 Press invitation',
      kind: 'adult',
      basePrice: 12000,
      description: '凭媒体邀请码领取 / with a press invitation code',
      requiresVoucher: true,
      refundable: false,
    })

    const { from, to } = nextDays(60)
    const prices = PriceRulesAdmin.for(tenant)
    const adult = tickets[0]
    await prices.createRule(adult, await createPriceRuleValidator.validate({ dayKind: 'weekend', price: 15000 }))
    // A holiday is its own kind of day, not a weekend: without this rule it would cost the base price.
    await prices.createRule(adult, await createPriceRuleValidator.validate({ dayKind: 'holiday', price: 15000 }))
    for (const holiday of holidaysBetween(from, to)) {
      const { params, ...state } = await calendarDayValidator.validate({ params: { date: holiday.date }, kind: 'holiday', name: holiday.name })
      await prices.setDay(params.date, state)
    }

    const hours = Array.from({ length: 9 }, (_, i): [string, string] => [clock(8 + i), clock(9 + i)])
    await SessionSchedule.for(tenant).generate(
      await generateSessionsValidator.validate({
        siteId,
        kind: 'slot',
        from,
        to,
        weekly: weekly(EVERY_DAY, hours),
        quotas: [{ name: '入园名额 Entry', capacity: 300, productIds: [...tickets, press] }],
      })
    )
    await putOnSale(tenant, [...tickets, press])
    const coupons = Coupons.for(tenant)
    await coupons.create(await createCouponValidator.validate({ name: '新客立减 ¥10 Welcome', kind: 'amount_off', value: 1000, minSpend: 5000, code: 'WELCOME10', usesPerCode: 10000 }))
    await coupons.create(await createCouponValidator.validate({ name: '媒体赠票 Press', kind: 'percent_off', value: 100, productIds: [press], code: 'PRESS-2026', usesPerCode: 50 }))
  },
}

/** Theatre, reserved seating: one production on Friday and Saturday evenings. */
const riversideTheatre: DemoCatalog = {
  site: { name: '江畔大剧院 Riverside Grand Theatre', address: '上海市黄浦区滨江大道88号' },
  async build(tenant, siteId) {
    const hall = await SiteCatalog.for(tenant).createZone(siteId, await createZoneValidator.validate({ name: '大剧场 Grand Hall', kind: 'hall' }))
    const map = await SeatMapService.for(tenant).replace(hall.id, await seatMapValidator.validate(GRAND_HALL_MAP))
    const sellable = map.sections.flatMap((section) => section.rows).flatMap((row) => row.seats).filter((seat) => seat.sellable).length

    const name = 'Swan Lake 天鹅湖'
    const swanLake = await createProduct(tenant, {
      siteId,
      zoneId: hall.id,
      name,
      kind: 'adult',
      basePrice: 38000,
      description: '柴可夫斯基芭蕾舞剧，两幕四场 / Tchaikovsky’s ballet in two acts',
      seating: 'reserved',
      realNameRequired: false,
      refundable: true,
      refundTiers: [
        { hoursBefore: 7 * 24, feePercent: 0 },
        { hoursBefore: 48, feePercent: 10 },
        { hoursBefore: 0, feePercent: 20 },
      ],
    })

    await SessionSchedule.for(tenant).generate(
      await generateSessionsValidator.validate({
        siteId,
        zoneId: hall.id,
        kind: 'performance',
        ...nextDays(8 * 7),
        weekly: weekly([5, 6], [['19:30', '22:00']], name),
        quotas: [{ name: '大剧场 Grand Hall', capacity: sellable, productIds: [swanLake] }],
      })
    )
    await putOnSale(tenant, [swanLake])
  },
}

/** Museum: free real-name reservations in two-hour slots, closed on Mondays. */
const cityMuseum: DemoCatalog = {
  site: { name: '城市博物馆 City Museum', address: '北京市东城区博物馆路1号' },
  async build(tenant, siteId) {
    const admission = await createProduct(tenant, {
      siteId,
      name: '免费参观预约 Free admission',
      kind: 'free',
      basePrice: 0,
      description: '实名预约，每证每日限一次 / Real-name booking, one visit per ID a day',
      realNameRequired: true,
      idLimitScope: 'day',
      maxPerOrder: 5,
    })

    await SessionSchedule.for(tenant).generate(
      await generateSessionsValidator.validate({
        siteId,
        kind: 'slot',
        ...nextDays(30),
        weekly: weekly([2, 3, 4, 5, 6, 7], [['09:00', '11:00'], ['11:00', '13:00'], ['13:00', '15:00'], ['15:00', '17:00']]),
        quotas: [{ name: '参观名额 Visitors', capacity: 200, productIds: [admission] }],
      })
    )
    await putOnSale(tenant, [admission])
  },
}

const CATALOGS: Record<string, DemoCatalog> = {
  'misty-peak': mistyPeak,
  'riverside-theatre': riversideTheatre,
  'city-museum': cityMuseum,
}

/**
 * Gives a demo venue its catalog, unless its site exists (then the venue may have changed it).
 * Each service call commits on its own, so a run that failed halfway leaves a partial catalog
 * that later runs skip: drop the venue's site to seed it again.
 */
export async function seedDemoCatalog(tenant: Tenant) {
  const catalog = CATALOGS[tenant.slug]
  if (!catalog) return
  const sites = SiteCatalog.for(tenant)
  if ((await sites.listSites()).some((site) => site.name === catalog.site.name)) return
  const site = await sites.createSite(await createSiteValidator.validate({ ...catalog.site, timezone: TIMEZONE }))
  await catalog.build(tenant, site.id)
}
