import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Members (会员): the venue's tiers and their benefits, the visitors who hold one, and the points
 * ledger (积分). A member's balance lives on their row, guarded by a CHECK (never negative) and
 * changed only by conditional updates; every change is one ledger row saying why, and for which
 * order. Per order, member_order_points keeps what the order earned and redeemed and how much of
 * each went back, so refunds and expiries give back exactly what is due, however often they come.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('member_tiers', (table) => {
      table.bigIncrements('id')
      table.string('name', 40).notNullable()
      table.string('description', 300)
      /** Fen; 0: a free tier visitors join themselves. */
      table.integer('price').notNullable().defaultTo(0)
      /** Days a membership lasts from joining; null: no end. */
      table.integer('validity_days')
      /** Members pay the price calendar's member price where a rule sets one. */
      table.boolean('member_price').notNullable().defaultTo(true)
      /** Percent off where there is no member price (10: pay 90%, 九折). */
      table.integer('discount_percent').notNullable().defaultTo(0)
      /** Points earned: floor(fen paid × earn_points / earn_per_fen), e.g. 1 point per 100 fen. */
      table.integer('earn_points').notNullable().defaultTo(0)
      table.integer('earn_per_fen').notNullable().defaultTo(100)
      /** Members may hold this many hours before a product's public sale start (优先购). */
      table.integer('priority_hours').notNullable().defaultTo(0)
      table.string('status', 10).notNullable().defaultTo('active').checkIn(['active', 'inactive'])
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })
    this.schema.raw(`alter table member_tiers add constraint member_tiers_terms_check check (
      price >= 0 and (validity_days is null or validity_days > 0) and discount_percent between 0 and 99
      and earn_points >= 0 and earn_per_fen >= 1 and priority_hours between 0 and 8760)`)

    this.schema.createTable('members', (table) => {
      table.bigIncrements('id')
      table.bigInteger('visitor_id').notNullable().unique().references('visitors.id').onDelete('CASCADE')
      table.bigInteger('tier_id').notNullable().references('member_tiers.id')
      table.string('status', 10).notNullable().defaultTo('active').checkIn(['active', 'cancelled'])
      table.string('source', 10).notNullable().checkIn(['self', 'staff'])
      table.timestamp('joined_at', { useTz: true }).notNullable()
      /** Null: no end. */
      table.timestamp('expires_at', { useTz: true })
      table.integer('points').notNullable().defaultTo(0)
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['tier_id'])
    })
    this.schema.raw('alter table members add constraint members_points_check check (points >= 0)')

    this.schema.createTable('member_point_movements', (table) => {
      table.bigIncrements('id')
      table.bigInteger('member_id').notNullable().references('members.id').onDelete('CASCADE')
      table
        .string('reason', 16)
        .notNullable()
        .checkIn(['earned', 'earn_reversed', 'redeemed', 'redeem_returned', 'adjusted'])
      /** Signed: what the balance gained or lost. */
      table.integer('delta').notNullable()
      table.integer('balance_after').notNullable()
      /** Points that were due but could not be taken (the balance was already spent). */
      table.integer('shortfall').notNullable().defaultTo(0)
      table.bigInteger('order_id').references('orders.id').onDelete('SET NULL')
      table.string('note', 200)
      table.string('actor', 40).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['member_id', 'id'])
      table.index(['order_id'])
    })

    this.schema.createTable('member_order_points', (table) => {
      table.bigInteger('order_id').primary().references('orders.id').onDelete('CASCADE')
      table.bigInteger('member_id').notNullable().references('members.id').onDelete('CASCADE')
      table.integer('redeemed').notNullable().defaultTo(0)
      /** Fen the redeemed points took off the order (part of orders.discount_amount). */
      table.integer('redeem_discount').notNullable().defaultTo(0)
      table.integer('redeem_returned').notNullable().defaultTo(0)
      table.integer('earned').notNullable().defaultTo(0)
      table.integer('earn_reversed').notNullable().defaultTo(0)
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })
    this.schema.raw(`alter table member_order_points add constraint member_order_points_check check (
      redeem_returned between 0 and redeemed and earn_reversed between 0 and earned)`)

    /** One row: what points are worth at checkout (redeem_points points = redeem_fen fen), up to a share of the order. */
    this.schema.createTable('member_settings', (table) => {
      table.integer('id').primary().defaultTo(1)
      table.integer('redeem_points').notNullable().defaultTo(100)
      table.integer('redeem_fen').notNullable().defaultTo(100)
      /** 0: points cannot be redeemed. */
      table.integer('redeem_max_percent').notNullable().defaultTo(50)
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })
    this.schema.raw(`alter table member_settings add constraint member_settings_check check (
      id = 1 and redeem_points >= 1 and redeem_fen >= 1 and redeem_max_percent between 0 and 100)`)
    this.schema.raw('insert into member_settings (id) values (1)')
  }

  async down() {
    this.schema.dropTable('member_settings')
    this.schema.dropTable('member_order_points')
    this.schema.dropTable('member_point_movements')
    this.schema.dropTable('members')
    this.schema.dropTable('member_tiers')
  }
}
