import { BaseSchema } from '@adonisjs/lucid/schema'
import { credentialColumns } from '#database/schema_helpers'

/** Venue staff and visitors: accounts of this venue only (the same email elsewhere is someone else). */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('staff_users', (table) => {
      table.bigIncrements('id')
      table.string('full_name', 60).notNullable()
      table.string('phone', 20)
      credentialColumns(table)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    this.schema.raw('create unique index staff_users_email_unique on staff_users (lower(email))')

    this.schema.createTable('staff_access_tokens', (table) => {
      table.bigIncrements('id')
      table.bigInteger('tokenable_id').notNullable().references('staff_users.id').onDelete('cascade')
      table.string('type', 40).notNullable()
      table.string('name', 100)
      table.string('hash', 255).notNullable()
      table.text('abilities').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.timestamp('last_used_at', { useTz: true })
      table.timestamp('expires_at', { useTz: true })
    })

    this.schema.createTable('visitors', (table) => {
      table.bigIncrements('id')
      table.string('display_name', 60)
      table.string('phone', 20)
      credentialColumns(table)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    this.schema.raw('create unique index visitors_email_unique on visitors (lower(email))')
    this.schema.raw('create unique index visitors_phone_unique on visitors (phone)')
  }

  async down() {
    this.schema.dropTable('visitors')
    this.schema.dropTable('staff_access_tokens')
    this.schema.dropTable('staff_users')
  }
}
