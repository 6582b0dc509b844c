import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Coupons (优惠券): a campaign sets the rules (amount or percent off, minimum spend, applicable
 * products, validity, uses per code and per visitor, whether a full refund gives the use back);
 * its codes are what visitors type. A code's use is taken by one conditional UPDATE in the
 * checkout transaction (uses < max_uses), so a single-use code cannot serve two parallel orders.
 * Each use is a redemption row tied to its order; an order records its discount and code.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('coupon_campaigns', (table) => {
      table.bigIncrements('id')
      table.string('name', 80).notNullable()
      table.string('kind', 12).notNullable().checkIn(['amount_off', 'percent_off'])
      /** Fen off (amount_off) or percent off (1–100). */
      table.integer('value').notNullable()
      /** Fen the applicable tickets must add up to. */
      table.integer('min_spend').notNullable().defaultTo(0)
      /** Product ids it applies to (a JSON array); empty: all products. */
      table.jsonb('product_ids').notNullable().defaultTo('[]')
      table.timestamp('valid_from', { useTz: true })
      table.timestamp('valid_until', { useTz: true })
      table.integer('uses_per_code').notNullable().defaultTo(1)
      /** Null: unlimited. */
      table.integer('uses_per_visitor')
      table.boolean('give_back_on_refund').notNullable().defaultTo(false)
      table.string('status', 10).notNullable().defaultTo('active').checkIn(['active', 'disabled'])
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })

    this.schema.createTable('coupon_codes', (table) => {
      table.bigIncrements('id')
      table.bigInteger('campaign_id').notNullable().references('coupon_campaigns.id').onDelete('CASCADE')
      table.string('code', 40).notNullable().unique()
      table.integer('uses').notNullable().defaultTo(0)
      table.integer('max_uses').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['campaign_id'])
    })
    this.schema.raw('alter table coupon_codes add constraint coupon_codes_uses_check check (uses >= 0 and uses <= max_uses)')

    this.schema.createTable('coupon_redemptions', (table) => {
      table.bigIncrements('id')
      table.bigInteger('code_id').notNullable().references('coupon_codes.id').onDelete('CASCADE')
      table.bigInteger('campaign_id').notNullable().references('coupon_campaigns.id').onDelete('CASCADE')
      table.bigInteger('order_id').notNullable().references('orders.id').onDelete('CASCADE')
      table.bigInteger('visitor_id')
      table.integer('amount').notNullable()
      table.string('status', 10).notNullable().defaultTo('active').checkIn(['active', 'returned'])
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.unique(['code_id', 'order_id'])
      table.index(['campaign_id', 'visitor_id'])
      table.index(['order_id'])
    })

    this.schema.alterTable('orders', (table) => {
      table.integer('discount_amount').notNullable().defaultTo(0)
      table.string('coupon_code', 40)
    })
  }

  async down() {
    this.schema.alterTable('orders', (table) => {
      table.dropColumn('coupon_code')
      table.dropColumn('discount_amount')
    })
    this.schema.dropTable('coupon_redemptions')
    this.schema.dropTable('coupon_codes')
    this.schema.dropTable('coupon_campaigns')
  }
}
