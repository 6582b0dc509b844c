import { column } from '@adonisjs/lucid/orm'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel } from '@adonisjs/lucid/orm'
import { withCredentials } from '#identity/models/credentials'

/** Platform staff: superadmin and support, over all tenants. Two-factor login is mandatory. */
export default class PlatformUser extends compose(BaseModel, withCredentials) {
  static table = 'platform_users'

  @column()
  declare fullName: string
}
