import { column } from '@adonisjs/lucid/orm'
import { compose } from '@adonisjs/core/helpers'
import { TenantModel } from '#tenancy/models/tenant_model'
import { withCredentials } from '#identity/models/credentials'

/** A visitor account of one venue (WeChat OAuth identities attach to it later). */
export default class Visitor extends compose(TenantModel, withCredentials) {
  static table = 'visitors'

  @column()
  declare displayName: string | null

  @column()
  declare phone: string | null
}
