import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

export type DayKind = 'any' | 'weekday' | 'weekend' | 'holiday'

/** A price calendar entry overriding a product's base price (by session, date range, kind of day). */
export default class PriceRule extends TenantModel {
  static table = 'price_rules'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare productId: number

  @column()
  declare sessionId: number | null

  @column.date()
  declare dateFrom: DateTime | null

  @column.date()
  declare dateTo: DateTime | null

  @column()
  declare dayKind: DayKind

  @column()
  declare price: number

  @column()
  declare memberPrice: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
