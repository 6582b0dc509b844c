import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Settlement (对账): per channel and Beijing day, what the channel's bill (对账单) says next to what
 * Tessera recorded, the lines of that bill as fetched, and the differences found. A day is
 * confirmed by finance staff once its differences are explained (audited).
 *
 * Also the indexes the statistics read by: money by the day it moved (payments by paid_at,
 * refunds by completed_at), sales by the day the order was paid.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('settlement_days', (table) => {
      table.bigIncrements('id')
      table.string('channel', 12).notNullable()
      /** The Beijing calendar day the bill covers. */
      table.date('bill_date').notNullable()
      table.string('merchant_id', 40).notNullable()
      /** matched: every line agrees; differences: some do not; failed: the bill could not be fetched. */
      table.string('status', 12).notNullable().checkIn(['matched', 'differences', 'failed'])
      table.string('error', 500)
      /** What Tessera recorded that day at this channel (fen). */
      table.integer('recorded_payments').notNullable().defaultTo(0)
      table.bigInteger('recorded_payment_amount').notNullable().defaultTo(0)
      table.integer('recorded_refunds').notNullable().defaultTo(0)
      table.bigInteger('recorded_refund_amount').notNullable().defaultTo(0)
      /** What the bill says (fen); fees as the channel charged them (手续费), refunds' returned fees netted. */
      table.integer('bill_payments').notNullable().defaultTo(0)
      table.bigInteger('bill_payment_amount').notNullable().defaultTo(0)
      table.integer('bill_refunds').notNullable().defaultTo(0)
      table.bigInteger('bill_refund_amount').notNullable().defaultTo(0)
      table.bigInteger('bill_fee').notNullable().defaultTo(0)
      table.integer('difference_count').notNullable().defaultTo(0)
      table.timestamp('fetched_at', { useTz: true }).notNullable()
      table.timestamp('confirmed_at', { useTz: true })
      table.string('confirmed_by', 40)
      table.string('confirm_note', 500)
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.unique(['channel', 'bill_date'])
      table.index(['bill_date'])
    })

    /** The bill's lines as the channel gave them (amounts in fen), replaced on each fetch. */
    this.schema.createTable('settlement_bill_lines', (table) => {
      table.bigIncrements('id')
      table.bigInteger('settlement_day_id').notNullable().references('settlement_days.id').onDelete('cascade')
      table.string('kind', 8).notNullable().checkIn(['payment', 'refund'])
      table.string('out_trade_no', 64).notNullable()
      table.string('out_refund_no', 64)
      table.string('channel_trade_no', 64)
      table.string('channel_refund_no', 64)
      table.integer('amount').notNullable()
      table.integer('fee').notNullable().defaultTo(0)
      table.timestamp('occurred_at', { useTz: true }).notNullable()
      table.index(['settlement_day_id'])
    })

    this.schema.createTable('settlement_differences', (table) => {
      table.bigIncrements('id')
      table.bigInteger('settlement_day_id').notNullable().references('settlement_days.id').onDelete('cascade')
      table.string('kind', 8).notNullable().checkIn(['payment', 'refund'])
      /** missing_in_tessera: the bill has it, Tessera did not record it that day; missing_in_bill: the reverse. */
      table.string('problem', 20).notNullable().checkIn(['missing_in_tessera', 'missing_in_bill', 'amount_mismatch'])
      table.string('out_trade_no', 64).notNullable()
      table.string('out_refund_no', 64)
      table.integer('recorded_amount')
      table.integer('bill_amount')
      /** What Tessera knows about it otherwise (e.g. recorded on another day, still pending). */
      table.string('note', 300)
      table.index(['settlement_day_id'])
    })

    this.schema.raw("create index payments_paid_at on payments (paid_at) where status = 'paid'")
    this.schema.raw("create index refunds_completed_at on refunds (completed_at) where status = 'succeeded'")
    this.schema.raw('create index orders_paid_at on orders (paid_at) where paid_at is not null')
    this.schema.raw('create index sessions_starts_at on sessions (starts_at)')
  }

  async down() {
    for (const index of ['payments_paid_at', 'refunds_completed_at', 'orders_paid_at', 'sessions_starts_at']) this.schema.raw(`drop index if exists ${index}`)
    this.schema.dropTable('settlement_differences')
    this.schema.dropTable('settlement_bill_lines')
    this.schema.dropTable('settlement_days')
  }
}
