import { BaseSchema } from '@adonisjs/lucid/schema'

/** How long real-name data is kept after a session ends (PIPL: no longer than needed). */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('booking_rules', (table) => {
      table.integer('real_name_retention_days').notNullable().defaultTo(30)
    })
    this.schema.raw('alter table booking_rules add constraint booking_rules_retention check (real_name_retention_days > 0)')
  }

  async down() {
    this.schema.alterTable('booking_rules', (table) => {
      table.dropColumn('real_name_retention_days')
    })
  }
}
