import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * A hold keeps what it asked for and what it took from each quota in its own row (jsonb), instead
 * of child rows with foreign keys to products, sessions and quotas: every such key check took a
 * share lock on the very rows a flash sale fights over (the hot quota, its product and session),
 * which made every hold pay for multixact bookkeeping while holding the quota lock.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('holds', (table) => {
      /** [{ product_id, session_id, quantity }] */
      table.jsonb('items').notNullable().defaultTo('[]')
      /** [{ quota_id, quantity }]: given back exactly on release or expiry. */
      table.jsonb('quotas').notNullable().defaultTo('[]')
    })
    this.schema.dropTable('hold_quotas')
    this.schema.dropTable('hold_items')
  }

  async down() {
    this.schema.alterTable('holds', (table) => {
      table.dropColumn('items')
      table.dropColumn('quotas')
    })
  }
}
