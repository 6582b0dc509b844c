import { BaseSchema } from '@adonisjs/lucid/schema'

/** Roles of this venue (built-in and custom) and their casbin rules (domain = this tenant). */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('roles', (table) => {
      table.bigIncrements('id')
      table.string('key', 40).notNullable().unique()
      table.string('name', 60).notNullable()
      table.string('description', 300)
      table.boolean('builtin').notNullable().defaultTo(false)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })

    this.schema.createTable('authz_rules', (table) => {
      table.bigIncrements('id')
      table.string('ptype', 8).notNullable()
      for (const v of ['v0', 'v1', 'v2', 'v3', 'v4', 'v5']) table.string(v, 120)
    })
  }

  async down() {
    this.schema.dropTable('authz_rules')
    this.schema.dropTable('roles')
  }
}
