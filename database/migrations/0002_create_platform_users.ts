import { BaseSchema } from '@adonisjs/lucid/schema'
import { credentialColumns } from '#database/schema_helpers'

/** Platform staff (super-admin console). Roles are casbin policies in platform_authz_rules. */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('platform_users', (table) => {
      table.bigIncrements('id')
      table.string('full_name', 60).notNullable()
      credentialColumns(table)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    this.schema.raw('create unique index platform_users_email_unique on platform_users (lower(email))')
  }

  async down() {
    this.schema.dropTable('platform_users')
  }
}
