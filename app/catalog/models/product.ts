import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'
import type { PassRules } from '#members/services/pass_rules'

export const PRODUCT_KINDS = ['adult', 'child', 'senior', 'student', 'group', 'package', 'free', 'annual_pass'] as const
export type ProductKind = (typeof PRODUCT_KINDS)[number]

/** 梯次退票: until `hoursBefore` hours before the start, a refund costs `feePercent` of the price. */
export interface RefundTier {
  hoursBefore: number
  feePercent: number
}

/** 票种: what a visitor buys. Prices are integer fen. */
export default class Product extends TenantModel {
  static table = 'products'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare siteId: number

  @column()
  declare zoneId: number | null

  @column()
  declare name: string

  @column()
  declare kind: ProductKind

  @column()
  declare description: string | null

  @column({ prepare: (value: string[]) => JSON.stringify(value) })
  declare images: string[]

  @column()
  declare basePrice: number

  @column()
  declare status: 'draft' | 'on_sale' | 'off_sale'

  @column()
  declare seating: 'general' | 'reserved'

  @column()
  declare validity: 'session' | 'open_date'

  @column.dateTime()
  declare saleStartsAt: DateTime | null

  @column.dateTime()
  declare saleEndsAt: DateTime | null

  @column()
  declare minPerOrder: number

  @column()
  declare maxPerOrder: number

  @column()
  declare partyMin: number | null

  @column()
  declare partyMax: number | null

  @column()
  declare realNameRequired: boolean

  /** Sold only with a voucher code naming it (docs/members.md): never listed to visitors. */
  @column()
  declare requiresVoucher: boolean

  @column()
  declare idLimitScope: 'none' | 'session' | 'day'

  @column()
  declare refundable: boolean

  @column()
  declare changeable: boolean

  @column({ prepare: (value: RefundTier[]) => JSON.stringify(value) })
  declare refundTiers: RefundTier[]

  /** 年卡: a pass product's rules (kind 'annual_pass'), else null. */
  @column({ prepare: (value: PassRules | null) => (value ? JSON.stringify(value) : null) })
  declare passRules: PassRules | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
