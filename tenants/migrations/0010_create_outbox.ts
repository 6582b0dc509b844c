import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * The transactional outbox of messages to people (SMS, email, WeChat template messages): a message
 * is written in the same transaction as the change it tells about, so none is sent for a change
 * that rolled back, and none is lost when a sender is down (retried with backoff, then left
 * visible as failed).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('outbox_messages', (table) => {
      table.bigIncrements('id')
      table.string('channel', 20).notNullable().checkIn(['sms', 'email', 'wechat_template'])
      /** Phone number, email address or openid. */
      table.string('recipient', 254).notNullable()
      /** What it is (tickets_issued, login_code, ...): senders and templates key on it. */
      table.string('template', 40).notNullable()
      table.string('subject', 200)
      table.text('body').notNullable()
      table.jsonb('data').notNullable().defaultTo('{}')
      table.string('status', 10).notNullable().defaultTo('pending').checkIn(['pending', 'sent', 'failed'])
      table.integer('attempts').notNullable().defaultTo(0)
      table.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.string('last_error', 500)
      /** What the sender said (provider message id, msgid). */
      table.string('receipt', 100)
      /** Makes a retried enqueue of the same message a no-op (e.g. `tickets:<order>`). */
      table.string('dedupe_key', 120).unique()
      table.bigInteger('order_id')
      table.timestamp('sent_at', { useTz: true })
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['status', 'next_attempt_at'])
      table.index(['recipient'])
    })
  }

  async down() {
    this.schema.dropTable('outbox_messages')
  }
}
