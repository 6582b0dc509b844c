import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A custom domain a venue points at the platform (e.g. tickets.example-park.cn). */
export default class TenantDomain extends BaseModel {
  static table = 'tenant_domains'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare host: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
