import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

/** One part of a package (套票): entry to another product, drawing on that product's capacity. */
export default class PackagePart extends TenantModel {
  static table = 'package_parts'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare packageId: number

  @column()
  declare partId: number

  @column()
  declare quantity: number
}
