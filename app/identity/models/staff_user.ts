import { column } from '@adonisjs/lucid/orm'
import { compose } from '@adonisjs/core/helpers'
import { TenantModel } from '#tenancy/models/tenant_model'
import { withCredentials } from '#identity/models/credentials'

/** A venue's staff member (tenant schema): the same email at another venue is another account. */
export default class StaffUser extends compose(TenantModel, withCredentials) {
  static table = 'staff_users'

  @column()
  declare fullName: string

  @column()
  declare phone: string | null
}
