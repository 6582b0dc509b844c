import { DateTime } from 'luxon'
import { column, computed } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

/**
 * Capacity of a session over one or more products (quota_products). `held` and `sold` change
 * only through InventoryService's conditional statements, `reserved` (places set aside for
 * vouchers) through Coupons' reserves too; the database refuses held + sold + reserved > capacity.
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

  @column()
  declare reserved: number

  /** Places general buyers can still take. */
  @computed()
  get remaining() {
    return this.capacity - this.held - this.sold - this.reserved
  }

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
