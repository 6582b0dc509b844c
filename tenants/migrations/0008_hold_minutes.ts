import { BaseSchema } from '@adonisjs/lucid/schema'

/** How long a visitor's hold keeps its places, per venue (a theatre may want more than a park). */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('booking_rules', (table) => {
      table.integer('hold_minutes').notNullable().defaultTo(15)
    })
    this.schema.raw('alter table booking_rules add constraint booking_rules_hold_minutes check (hold_minutes between 5 and 120)')
  }

  async down() {
    this.schema.alterTable('booking_rules', (table) => {
      table.dropColumn('hold_minutes')
    })
  }
}
