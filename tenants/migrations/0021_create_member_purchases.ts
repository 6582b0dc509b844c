import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * A paid member tier (会员) bought online: an order with no tickets at the tier's price, paid
 * through the normal payment flow like a pass renewal (ticketless_orders.ts). The purchase row
 * says which tier the order buys; it is applied once, when the order is paid, and keeps the
 * membership's end before and after.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('member_purchases', (table) => {
      table.bigIncrements('id')
      table.bigInteger('order_id').notNullable().unique().references('orders.id').onDelete('cascade')
      table.bigInteger('visitor_id').notNullable().references('visitors.id').onDelete('cascade')
      table.bigInteger('tier_id').notNullable().references('member_tiers.id')
      /** Fen: the tier's price when the order was placed. */
      table.integer('price').notNullable()
      table.string('status', 10).notNullable().defaultTo('pending').checkIn(['pending', 'applied'])
      /** The membership's end before and after the purchase was applied (null: no end, or none before). */
      table.timestamp('expires_before', { useTz: true })
      table.timestamp('expires_after', { useTz: true })
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('applied_at', { useTz: true })
      table.index(['visitor_id'])
    })
  }

  async down() {
    this.schema.dropTable('member_purchases')
  }
}
