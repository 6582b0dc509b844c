import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

/** An area of a site (区域), or a hall with a seat map. */
export default class Zone extends TenantModel {
  static table = 'zones'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare siteId: number

  @column()
  declare name: string

  @column()
  declare kind: 'area' | 'hall'

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
