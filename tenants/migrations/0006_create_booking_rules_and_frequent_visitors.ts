import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Real-name anti-scalping rules (实名制防黄牛): the venue's booking rules, the holders a visitor
 * books for (常用游客), and the no-shows that can block a visitor from booking for a while.
 */
export default class extends BaseSchema {
  async up() {
    /** One row per venue; null limits are off. */
    this.schema.createTable('booking_rules', (table) => {
      table.smallint('id').primary().defaultTo(1)
      table.integer('max_holders_per_account').notNullable().defaultTo(5)
      table.integer('max_bookings_per_30_days')
      table.integer('no_show_limit')
      table.integer('no_show_block_days').notNullable().defaultTo(30)
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })
    this.schema.raw(
      `alter table booking_rules add constraint booking_rules_single_row check (id = 1),
       add constraint booking_rules_positive check (max_holders_per_account > 0 and no_show_block_days > 0
         and (max_bookings_per_30_days is null or max_bookings_per_30_days > 0) and (no_show_limit is null or no_show_limit > 0))`
    )
    this.schema.raw('insert into booking_rules default values')

    /** The ID number is stored encrypted; its keyed hash (real_name.ts) finds and deduplicates it. */
    this.schema.createTable('frequent_visitors', (table) => {
      table.bigIncrements('id')
      table.bigInteger('visitor_id').notNullable().references('visitors.id').onDelete('cascade')
      table.string('name', 40).notNullable()
      table.string('id_type', 20).notNullable().checkIn(['mainland_id'])
      table.text('id_number_encrypted').notNullable()
      table.string('id_number_hash', 64).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['visitor_id', 'id_number_hash'])
    })

    /** Filled by check-in for booked sessions nobody came to (and by staff, by hand). */
    this.schema.createTable('visitor_no_shows', (table) => {
      table.bigIncrements('id')
      table.bigInteger('visitor_id').notNullable().references('visitors.id').onDelete('cascade')
      table.bigInteger('session_id').notNullable().references('sessions.id').onDelete('cascade')
      table.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.unique(['visitor_id', 'session_id'])
      table.index(['visitor_id', 'recorded_at'])
    })

    // A visitor's recent bookings are counted on every hold at venues with a booking limit.
    this.schema.raw('create index holds_visitor_recent on holds (visitor_id, created_at) where visitor_id is not null')
  }

  async down() {
    this.schema.raw('drop index holds_visitor_recent')
    this.schema.dropTable('visitor_no_shows')
    this.schema.dropTable('frequent_visitors')
    this.schema.dropTable('booking_rules')
  }
}
