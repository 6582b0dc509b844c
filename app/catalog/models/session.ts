import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

export type SessionKind = 'performance' | 'slot' | 'open_date'

/** 场次: a performance, a time slot (分时预约), or an open-date validity range. */
export default class Session extends TenantModel {
  static table = 'sessions'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare siteId: number

  @column()
  declare zoneId: number | null

  @column()
  declare kind: SessionKind

  @column()
  declare name: string | null

  @column.dateTime()
  declare startsAt: DateTime

  @column.dateTime()
  declare endsAt: DateTime

  @column()
  declare status: 'open' | 'closed' | 'cancelled'

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
