import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

/** A seat of a hall's seat map; x/y place it on the drawn map. */
export default class Seat extends TenantModel {
  static table = 'seats'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare zoneId: number

  @column()
  declare section: string

  @column()
  declare rowLabel: string

  @column()
  declare seatLabel: string

  @column()
  declare x: number

  @column()
  declare y: number

  @column()
  declare accessible: boolean

  /** False for seats never sold (pillar view, technical seats). */
  @column()
  declare sellable: boolean
}
