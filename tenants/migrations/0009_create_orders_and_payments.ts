import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Orders, their tickets, payments at the channels, refunds and changes (退改签), and the venue's
 * merchant accounts. Money is integer fen everywhere; the database refuses negative amounts and
 * refunds beyond what was paid, so no code path can give back more than it took.
 */
export default class extends BaseSchema {
  async up() {
    const timestamps = (table: any) => {
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    }

    /** One merchant account per channel; secrets encrypted with the app key. */
    this.schema.createTable('payment_accounts', (table) => {
      table.bigIncrements('id')
      table.string('channel', 12).notNullable().unique().checkIn(['wechat_pay', 'alipay', 'unionpay'])
      table.boolean('enabled').notNullable().defaultTo(true)
      table.string('merchant_id', 40).notNullable()
      /** The credentials that are not secret (ids, public keys, certificates). */
      table.jsonb('settings').notNullable().defaultTo('{}')
      /** The secret ones (private keys, API keys), as one encrypted JSON text. */
      table.text('secrets').notNullable()
      table.string('test_status', 10).notNullable().defaultTo('untested').checkIn(['untested', 'ok', 'failed'])
      table.timestamp('tested_at', { useTz: true })
      table.string('test_error', 500)
      timestamps(table)
    })

    this.schema.createTable('orders', (table) => {
      table.bigIncrements('id')
      /** Shown to visitors and staff; random, so neither guessable nor a sales counter. */
      table.string('number', 24).notNullable().unique()
      table
        .string('status', 20)
        .notNullable()
        .checkIn(['pending_payment', 'issued', 'partially_used', 'used', 'refunding', 'partially_refunded', 'refunded', 'cancelled', 'expired'])
      table.bigInteger('visitor_id').references('visitors.id').onDelete('set null')
      /** Where it was sold: visitor (H5), box_office, distributor... */
      table.string('sales_channel', 20).notNullable().defaultTo('visitor')
      table.string('contact_name', 40)
      table.string('contact_phone', 20)
      table.integer('total_amount').notNullable()
      table.integer('paid_amount').notNullable().defaultTo(0)
      table.integer('refunded_amount').notNullable().defaultTo(0)
      table.uuid('hold_id').notNullable()
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('paid_at', { useTz: true })
      table.timestamp('closed_at', { useTz: true })
      /** A client's idempotency key, with a digest of what it asked for the first time. */
      table.string('idempotency_key', 80).unique()
      table.string('request_digest', 64)
      timestamps(table)
      table.index(['visitor_id', 'created_at'])
      table.index(['status', 'expires_at'])
      table.index(['contact_phone'])
    })
    this.schema.raw(`alter table orders add constraint orders_money check (
      total_amount >= 0 and paid_amount >= 0 and refunded_amount >= 0 and refunded_amount <= paid_amount)`)

    /** One row per admission (a group ticket admits party_size people). */
    this.schema.createTable('order_tickets', (table) => {
      table.bigIncrements('id')
      table.bigInteger('order_id').notNullable().references('orders.id').onDelete('cascade')
      table.bigInteger('product_id').notNullable().references('products.id')
      table.bigInteger('session_id').notNullable().references('sessions.id')
      table.bigInteger('seat_id').references('seats.id')
      /** The hold it was sold from: the order's, or a change's (改签) or a late payment's new one. */
      table.uuid('hold_id').notNullable()
      table.integer('price').notNullable()
      table
        .string('status', 12)
        .notNullable()
        .defaultTo('reserved')
        .checkIn(['reserved', 'valid', 'used', 'refunding', 'refunded', 'changed', 'void'])
      table.string('holder_name', 40)
      table.string('holder_id_type', 12)
      /** The ID number, encrypted; its keyed hash finds it; its masked form is what anyone sees. */
      table.text('holder_id_number')
      table.string('holder_id_hash', 64)
      table.string('holder_id_masked', 24)
      table.string('holder_phone', 20)
      /** 改签: the ticket this one replaced. */
      table.bigInteger('replaces_id').references('order_tickets.id')
      timestamps(table)
      table.index(['order_id'])
      table.index(['session_id', 'status'])
      table.index(['holder_id_hash'])
    })
    this.schema.raw('alter table order_tickets add constraint order_tickets_price check (price >= 0)')

    /** Every change of an order's state, with who did it. */
    this.schema.createTable('order_events', (table) => {
      table.bigIncrements('id')
      table.bigInteger('order_id').notNullable().references('orders.id').onDelete('cascade')
      table.string('type', 40).notNullable()
      table.string('from_status', 20)
      table.string('to_status', 20)
      table.string('actor_type', 12).notNullable()
      table.string('actor_id', 40)
      table.jsonb('data').notNullable().defaultTo('{}')
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['order_id', 'id'])
    })

    /** One attempt to pay an order at a channel; several may exist (the visitor switches channel). */
    this.schema.createTable('payments', (table) => {
      table.bigIncrements('id')
      table.bigInteger('order_id').notNullable().references('orders.id')
      /** Set when this pays the price difference of a change (改签) rather than the order. */
      table.bigInteger('change_id')
      table.string('channel', 12).notNullable()
      table.string('method', 12).notNullable()
      table.string('out_trade_no', 40).notNullable().unique()
      table.string('merchant_id', 40).notNullable()
      table.integer('amount').notNullable()
      table.string('status', 10).notNullable().defaultTo('pending').checkIn(['pending', 'paid', 'closed'])
      table.string('channel_trade_no', 64)
      table.jsonb('start').notNullable().defaultTo('{}')
      table.timestamp('paid_at', { useTz: true })
      table.timestamp('closed_at', { useTz: true })
      table.timestamp('next_query_at', { useTz: true })
      table.integer('query_count').notNullable().defaultTo(0)
      /** This payment arrived for an order that could not take it (expired, or already paid): given back. */
      table.boolean('surplus').notNullable().defaultTo(false)
      timestamps(table)
      table.index(['order_id'])
      table.index(['status', 'next_query_at'])
    })
    this.schema.raw('alter table payments add constraint payments_amount check (amount > 0)')

    this.schema.createTable('refunds', (table) => {
      table.bigIncrements('id')
      table.bigInteger('order_id').notNullable().references('orders.id')
      table.bigInteger('payment_id').references('payments.id')
      table.string('out_refund_no', 40).notNullable().unique()
      /** What goes back to the payer, and the fee kept (退票手续费). */
      table.integer('amount').notNullable()
      table.integer('fee').notNullable().defaultTo(0)
      table
        .string('status', 12)
        .notNullable()
        .checkIn(['requested', 'rejected', 'processing', 'succeeded', 'failed', 'abnormal'])
      /** Why: visitor, staff, change (改签 difference), surplus (a payment the order could not take). */
      table.string('kind', 12).notNullable().defaultTo('visitor').checkIn(['visitor', 'staff', 'change', 'surplus'])
      table.string('reason', 200)
      table.specificType('ticket_ids', 'bigint[]').notNullable().defaultTo('{}')
      table.string('requested_by', 40)
      table.string('decided_by', 40)
      table.string('override_reason', 200)
      table.string('channel_refund_no', 64)
      table.timestamp('decided_at', { useTz: true })
      table.timestamp('completed_at', { useTz: true })
      table.timestamp('next_query_at', { useTz: true })
      timestamps(table)
      table.index(['order_id'])
      table.index(['status', 'next_query_at'])
    })
    this.schema.raw('alter table refunds add constraint refunds_money check (amount >= 0 and fee >= 0)')

    /** 改签: tickets moved to another session of the same product. */
    this.schema.createTable('order_changes', (table) => {
      table.bigIncrements('id')
      table.bigInteger('order_id').notNullable().references('orders.id')
      table.specificType('ticket_ids', 'bigint[]').notNullable()
      table.bigInteger('to_session_id').notNullable().references('sessions.id')
      table.uuid('hold_id')
      /** New price minus old price, summed: positive is paid by the visitor, negative refunded. */
      table.integer('difference').notNullable().defaultTo(0)
      table.string('status', 16).notNullable().checkIn(['requested', 'awaiting_payment', 'completed', 'rejected', 'cancelled'])
      table.bigInteger('payment_id').references('payments.id')
      table.bigInteger('refund_id').references('refunds.id')
      table.string('requested_by', 40)
      table.string('decided_by', 40)
      timestamps(table)
      table.index(['order_id'])
    })

    /** Every notification a channel sent, verified or not: evidence for support and for the audit. */
    this.schema.createTable('payment_notifications', (table) => {
      table.bigIncrements('id')
      table.string('channel', 12).notNullable()
      table.boolean('accepted').notNullable()
      table.string('reason', 40)
      table.string('detail', 300)
      table.string('body_sha256', 64).notNullable()
      table.jsonb('events').notNullable().defaultTo('[]')
      table.timestamp('received_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['received_at'])
    })

    /** Refund and change rules per venue (退改规则): when staff must approve. */
    this.schema.alterTable('booking_rules', (table) => {
      /** auto: a visitor's request within the product's rules goes through at once; staff: staff decide each one. */
      table.string('refund_approval', 5).notNullable().defaultTo('auto').checkIn(['auto', 'staff'])
      table.string('change_approval', 5).notNullable().defaultTo('auto').checkIn(['auto', 'staff'])
    })
  }

  async down() {
    this.schema.alterTable('booking_rules', (table) => {
      table.dropColumn('refund_approval')
      table.dropColumn('change_approval')
    })
    for (const name of ['payment_notifications', 'order_changes', 'refunds', 'payments', 'order_events', 'order_tickets', 'orders', 'payment_accounts']) {
      this.schema.dropTable(name)
    }
  }
}
