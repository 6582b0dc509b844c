/*
 * Member tiers (会员等级) and the venue's points settings: what a tier costs, how long it lasts and
 * what it gives (member price, discount, points, priority booking), and what points are worth at
 * checkout. `activeMember` is how every benefit finds out whether a visitor is a member now.
 */
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface TierInput {
  name: string
  description?: string | null
  price: number
  validityDays?: number | null
  memberPrice?: boolean
  discountPercent?: number
  earnPoints?: number
  earnPerFen?: number
  priorityHours?: number
  status?: 'active' | 'inactive'
}

export interface TierRow {
  id: number
  name: string
  description: string | null
  price: number
  validity_days: number | null
  member_price: boolean
  discount_percent: number
  earn_points: number
  earn_per_fen: number
  priority_hours: number
  status: 'active' | 'inactive'
}

/** A member whose membership holds now, with their tier's terms. */
export interface ActiveMember {
  id: number
  visitorId: number
  points: number
  tier: TierRow
}

export interface PointsSettings {
  redeemPoints: number
  redeemFen: number
  redeemMaxPercent: number
}

export const serializeTier = (row: TierRow) => ({
  id: Number(row.id),
  name: row.name,
  description: row.description,
  price: row.price,
  free: row.price === 0,
  validityDays: row.validity_days,
  memberPrice: row.member_price,
  discountPercent: row.discount_percent,
  earnPoints: row.earn_points,
  earnPerFen: row.earn_per_fen,
  priorityHours: row.priority_hours,
  status: row.status,
})

const tierColumns = (input: Partial<TierInput>) =>
  Object.fromEntries(
    Object.entries({
      name: input.name,
      description: input.description,
      price: input.price,
      validity_days: input.validityDays,
      member_price: input.memberPrice,
      discount_percent: input.discountPercent,
      earn_points: input.earnPoints,
      earn_per_fen: input.earnPerFen,
      priority_hours: input.priorityHours,
      status: input.status,
    }).filter(([, value]) => value !== undefined)
  )

/** The visitor's membership if it is active and not past its end (in `trx`; `lock` locks the member row). */
export async function activeMember(trx: TenantTransaction, visitorId: number, lock = false): Promise<ActiveMember | null> {
  const row = await trx
    .from('members as m')
    .join('member_tiers as t', 't.id', 'm.tier_id')
    .where('m.visitor_id', visitorId)
    .where('m.status', 'active')
    .where((query) => query.whereNull('m.expires_at').orWhere('m.expires_at', '>', new Date()))
    .if(lock, (query) => query.forUpdate('m'))
    .select('m.id as member_id', 'm.points', 't.*')
    .first()
  if (!row) return null
  const { member_id: memberId, points, ...tier } = row
  return { id: Number(memberId), visitorId, points: Number(points), tier: { ...tier, id: Number(tier.id) } as TierRow }
}

export async function readPointsSettings(trx: TenantTransaction): Promise<PointsSettings> {
  const row = await trx.from('member_settings').where('id', 1).firstOrFail()
  return { redeemPoints: row.redeem_points, redeemFen: row.redeem_fen, redeemMaxPercent: row.redeem_max_percent }
}

export default class MemberTiers {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new MemberTiers(tenant)
  }

  async list(options: { activeOnly?: boolean } = {}) {
    return runInTenant(this.tenant, async (trx) => {
      const rows = await trx
        .from('member_tiers as t')
        .select('t.*')
        .select(trx.raw(`(select count(*)::int from members m where m.tier_id = t.id and m.status = 'active') as members`))
        .if(options.activeOnly, (query) => query.where('t.status', 'active'))
        .orderBy([{ column: 't.price' }, { column: 't.id' }])
      return rows.map((row) => ({ ...serializeTier(row), ...(options.activeOnly ? {} : { members: row.members }) }))
    })
  }

  async create(input: TierInput) {
    return runInTenant(this.tenant, async (trx) => {
      const [row] = await trx.table('member_tiers').insert(tierColumns(input)).returning('*')
      const tier = serializeTier(row)
      await auditLog.tenant(trx, { action: 'member_tier.created', subjectType: 'member_tier', subjectId: tier.id, after: tier })
      return tier
    })
  }

  async update(tierId: number, input: Partial<TierInput>) {
    return runInTenant(this.tenant, async (trx) => {
      const before = await trx.from('member_tiers').where('id', tierId).forUpdate().first()
      if (!before) throw notFound('No such member tier', 'E_TIER_NOT_FOUND')
      const [row] = await trx
        .from('member_tiers')
        .where('id', tierId)
        .update({ ...tierColumns(input), updated_at: new Date() })
        .returning('*')
      const tier = serializeTier(row)
      await auditLog.tenant(trx, { action: 'member_tier.updated', subjectType: 'member_tier', subjectId: tierId, before: serializeTier(before), after: tier })
      return tier
    })
  }

  /** Only a tier nobody ever held or ordered goes; one with members is made inactive instead. */
  async remove(tierId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const before = await trx.from('member_tiers').where('id', tierId).forUpdate().first()
      if (!before) throw notFound('No such member tier', 'E_TIER_NOT_FOUND')
      if ((await trx.from('members').where('tier_id', tierId).first()) || (await trx.from('member_purchases').where('tier_id', tierId).first())) {
        throw new AppError('Visitors hold, held or ordered this tier: make it inactive instead', { status: 409, code: 'E_TIER_IN_USE' })
      }
      await trx.from('member_tiers').where('id', tierId).delete()
      await auditLog.tenant(trx, { action: 'member_tier.deleted', subjectType: 'member_tier', subjectId: tierId, before: serializeTier(before) })
    })
  }

  async settings() {
    return runInTenant(this.tenant, (trx) => readPointsSettings(trx))
  }

  async updateSettings(input: PointsSettings) {
    if (input.redeemPoints < 1 || input.redeemFen < 1) throw invalid('redeemPoints', 'Points and their value are at least 1')
    return runInTenant(this.tenant, async (trx) => {
      const before = await readPointsSettings(trx)
      await trx
        .from('member_settings')
        .where('id', 1)
        .update({ redeem_points: input.redeemPoints, redeem_fen: input.redeemFen, redeem_max_percent: input.redeemMaxPercent, updated_at: new Date() })
      const after = await readPointsSettings(trx)
      await auditLog.tenant(trx, { action: 'member_settings.updated', subjectType: 'member_settings', before, after })
      return after
    })
  }
}

/** The demo venues' tiers (demo:seed): a free one and a paid annual one, once. */
export async function seedDemoTiers(tenant: Tenant) {
  await runInTenant(tenant, async (trx) => {
    if (await trx.from('member_tiers').first()) return
    await trx.table('member_tiers').multiInsert([
      { name: '普通会员 Member', description: 'Free: member prices and 1 point per yuan', price: 0, earn_points: 1, earn_per_fen: 100 },
      {
        name: '金卡会员 Gold',
        description: 'One year: member prices or 10% off, 2 points per yuan, booking 48 hours before everyone else',
        price: 19900,
        validity_days: 365,
        discount_percent: 10,
        earn_points: 2,
        earn_per_fen: 100,
        priority_hours: 48,
      },
    ])
    await auditLog.tenant(trx, { action: 'member_tier.created', subjectType: 'member_tier', meta: { demo: true }, actor: { type: 'system', label: 'demo:seed' } })
  })
}
