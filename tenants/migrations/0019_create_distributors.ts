import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Distributors and OTAs (分销): a distributor signs its API requests with its own key, sells the
 * products the venue authorised at their settlement price (结算价), and pays for its orders from
 * a prepaid deposit (预存款). The balance is a column the database keeps at zero or above; every
 * movement of it is a ledger row with the balance it left, the order, refund or staff reference
 * that explains it. A distributor's order keeps its own order number (unique per distributor).
 * Check-in callbacks go out through the webhook outbox, to an endpoint owned by the distributor.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('distributors', (table) => {
      table.bigIncrements('id')
      table.string('name', 80).notNullable()
      table.string('contact_name', 40)
      table.string('contact_phone', 20)
      table.string('contact_email', 254)
      table.string('status', 10).notNullable().defaultTo('active').checkIn(['active', 'suspended'])
      /** The API key: its id is sent with every request; its secret (encrypted) signs them. */
      table.string('key_id', 40).notNullable().unique()
      table.text('key_secret').notNullable()
      /** Where check-in notices go (null: none); delivered from webhook_endpoints.distributor_id's row. */
      table.string('callback_url', 500)
      /** The prepaid deposit in fen. */
      table.bigInteger('balance').notNullable().defaultTo(0)
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })
    this.schema.raw('alter table distributors add constraint distributors_balance_check check (balance >= 0)')

    /** What a distributor may sell, at what settlement price (fen per ticket). */
    this.schema.createTable('distributor_products', (table) => {
      table.bigIncrements('id')
      table.bigInteger('distributor_id').notNullable().references('distributors.id').onDelete('CASCADE')
      table.bigInteger('product_id').notNullable().references('products.id').onDelete('CASCADE')
      table.integer('settlement_price').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.unique(['distributor_id', 'product_id'])
    })
    this.schema.raw('alter table distributor_products add constraint distributor_products_price_check check (settlement_price >= 0)')

    /** A distributor's order: its own number for our order. */
    this.schema.createTable('distributor_orders', (table) => {
      table.bigIncrements('id')
      table.bigInteger('distributor_id').notNullable().references('distributors.id').onDelete('CASCADE')
      table.bigInteger('order_id').notNullable().unique().references('orders.id').onDelete('CASCADE')
      table.string('external_no', 64).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.unique(['distributor_id', 'external_no'])
    })

    /**
     * Every movement of a deposit: + top-up, − withdrawal, − order (settlement × tickets),
     * + refund (settlement less the fee). One debit per order and one credit per refund, by key.
     */
    this.schema.createTable('distributor_ledger', (table) => {
      table.bigIncrements('id')
      table.bigInteger('distributor_id').notNullable().references('distributors.id').onDelete('CASCADE')
      table.string('kind', 12).notNullable().checkIn(['top_up', 'withdrawal', 'order', 'refund'])
      table.bigInteger('amount').notNullable()
      table.bigInteger('balance_after').notNullable()
      table.bigInteger('order_id').references('orders.id')
      table.bigInteger('refund_id').references('refunds.id')
      /** The staff's reference for a top-up or withdrawal (bank transfer number...). */
      table.string('reference', 100)
      table.string('note', 200)
      table.string('actor', 40)
      /** The clock when the balance moved (not the transaction's start), so time order is balance order. */
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.raw('clock_timestamp()'))
      table.index(['distributor_id', 'created_at'])
    })
    this.schema.raw(`alter table distributor_ledger add constraint distributor_ledger_amount_check check (
      amount <> 0 and balance_after >= 0 and (case when kind in ('top_up', 'refund') then amount > 0 else amount < 0 end))`)
    this.schema.raw("create unique index distributor_ledger_one_debit on distributor_ledger (order_id) where kind = 'order'")
    this.schema.raw('create unique index distributor_ledger_one_credit on distributor_ledger (refund_id) where refund_id is not null')

    this.schema.alterTable('webhook_endpoints', (table) => {
      /** A distributor's callback endpoint: managed with its distributor, not in the venue's webhook list. */
      table.bigInteger('distributor_id').unique().references('distributors.id').onDelete('CASCADE')
    })
  }

  async down() {
    this.schema.alterTable('webhook_endpoints', (table) => {
      table.dropColumn('distributor_id')
    })
    this.schema.dropTable('distributor_ledger')
    this.schema.dropTable('distributor_orders')
    this.schema.dropTable('distributor_products')
    this.schema.dropTable('distributors')
  }
}
