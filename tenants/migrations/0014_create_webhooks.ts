import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Signed webhooks to the venue's other systems (member, finance, ERP). A delivery is written in the
 * same transaction as the change it tells about (a transactional outbox, like outbox_messages), so
 * none is sent for a change that rolled back and none is lost while a receiver is down. One row per
 * endpoint per event: its event id never changes across retries and redeliveries, so a receiver
 * dedupes on it.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('webhook_endpoints', (table) => {
      table.bigIncrements('id')
      table.string('url', 500).notNullable()
      table.string('description', 200)
      /** The event types it subscribes to (a JSON array of names). */
      table.jsonb('events').notNullable().defaultTo('[]')
      /** The signing secret, encrypted with the app key; shown to staff only when created or rotated. */
      table.text('secret').notNullable()
      table.string('status', 10).notNullable().defaultTo('active').checkIn(['active', 'disabled'])
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })

    this.schema.createTable('webhook_deliveries', (table) => {
      table.bigIncrements('id')
      table.bigInteger('endpoint_id').notNullable().references('webhook_endpoints.id').onDelete('CASCADE')
      table.uuid('event_id').notNullable()
      table.string('event_type', 40).notNullable()
      /** The whole body sent (id, type, createdAt, data): the same bytes on every attempt. */
      table.jsonb('payload').notNullable()
      table.string('status', 10).notNullable().defaultTo('pending').checkIn(['pending', 'delivered', 'failed'])
      table.integer('attempts').notNullable().defaultTo(0)
      table.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.integer('last_status_code')
      table.string('last_error', 500)
      table.timestamp('delivered_at', { useTz: true })
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.unique(['endpoint_id', 'event_id'])
      table.index(['status', 'next_attempt_at'])
    })
  }

  async down() {
    this.schema.dropTable('webhook_deliveries')
    this.schema.dropTable('webhook_endpoints')
  }
}
