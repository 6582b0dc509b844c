import { DateTime } from 'luxon'
import { column, computed } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

/**
 * Capacity of a session over one or more products (quota_products). `held` and `sold` change
 * only through InventoryService's conditional statements; the database refuses held + sold > capacity.
 */
export default class Quota extends TenantModel {
  static table = 'quotas'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare sessionId: number

  @column()
  declare name: string

  @column()
  declare capacity: number

  @column()
  declare held: number

  @column()
  declare sold: number

  @computed()
  get remaining() {
    return this.capacity - this.held - this.sold
  }

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
