import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * E-tickets and check-in (核销): the venue's signing keys (Ed25519; retired keys still verify what
 * they signed), each ticket's current secret and the revoked ones, how a product admits (entries,
 * re-entry, the entry window around its session), gates and scanners with their keys, and every
 * scan. A ticket's entries are counted on its own row, so a scan is one conditional update: two
 * gates scanning the same code at once admit once.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('ticket_keys', (table) => {
      table.bigIncrements('id')
      /** Key id carried in every ticket code (short, random). */
      table.string('kid', 8).notNullable().unique()
      /** Raw 32-byte Ed25519 public key, base64url. */
      table.string('public_key', 64).notNullable()
      /** PKCS#8 private key, encrypted with the app key. */
      table.text('private_key').notNullable()
      table.string('status', 8).notNullable().defaultTo('active').checkIn(['active', 'retired'])
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('retired_at', { useTz: true })
    })

    this.schema.alterTable('products', (table) => {
      /** How many entries a ticket gives; null: unlimited within its validity. */
      table.integer('entries_per_ticket').defaultTo(1)
      /** After an exit scan, the holder may come back in the same day without using an entry. */
      table.boolean('reentry').notNullable().defaultTo(false)
      /** The entry window around the session: opens this long before its start, closes this long after its end. */
      table.integer('entry_opens_minutes_before').notNullable().defaultTo(30)
      table.integer('entry_closes_minutes_after').notNullable().defaultTo(0)
    })
    this.schema.raw('alter table products add constraint products_entries check (entries_per_ticket is null or entries_per_ticket >= 1)')

    this.schema.alterTable('order_tickets', (table) => {
      /** People one code admits (a group ticket's party). */
      table.integer('party_size').notNullable().defaultTo(1)
      /** Admissions so far (people, counted one by one for a group). */
      table.integer('admitted').notNullable().defaultTo(0)
      /** Entries used (a group entering together, or one by one, uses one entry per visit). */
      table.integer('entries_used').notNullable().defaultTo(0)
      /** Inside now (entry scanned, no exit since): re-entry and exit rules use it. */
      table.boolean('inside').notNullable().defaultTo(false)
      /** The current secret's serial: a re-issued ticket gets a new one and the old is revoked. */
      table.integer('secret_serial').notNullable().defaultTo(1)
      table.timestamp('last_entry_at', { useTz: true })
    })

    // "Is any ticket of this order still unused?" on every first admission: answered from this index.
    this.schema.raw(`create index order_tickets_valid_by_order on order_tickets (order_id) where status = 'valid'`)

    this.schema.createTable('ticket_revocations', (table) => {
      /** Devices download revocations incrementally: "since id N". */
      table.bigIncrements('id')
      table.bigInteger('ticket_id').notNullable()
      table.integer('secret_serial').notNullable()
      table.string('reason', 20).notNullable()
      table.timestamp('revoked_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.unique(['ticket_id', 'secret_serial'])
    })

    this.schema.createTable('devices', (table) => {
      table.bigIncrements('id')
      table.string('name', 60).notNullable()
      table.string('kind', 12).notNullable().checkIn(['gate', 'scanner', 'face_gate'])
      table.bigInteger('site_id').notNullable().references('sites.id')
      /** Public key id of the device's HMAC key; the key itself is shown once, stored encrypted. */
      table.string('key_id', 24).notNullable().unique()
      table.text('key_secret').notNullable()
      table.string('status', 8).notNullable().defaultTo('active').checkIn(['active', 'revoked'])
      table.timestamp('last_seen_at', { useTz: true })
      table.jsonb('last_heartbeat').notNullable().defaultTo('{}')
      table.timestamp('revoked_at', { useTz: true })
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })

    /** Every scan, admitted or not: who, when, where, how. */
    this.schema.createTable('checkins', (table) => {
      table.bigIncrements('id')
      table.bigInteger('ticket_id')
      table.bigInteger('order_id')
      table.bigInteger('session_id')
      table.bigInteger('site_id')
      table.bigInteger('device_id')
      table.bigInteger('staff_id')
      table.string('method', 8).notNullable().checkIn(['qr', 'id_card', 'face', 'manual'])
      table.string('direction', 5).notNullable().defaultTo('entry').checkIn(['entry', 'exit'])
      table.integer('people').notNullable().defaultTo(1)
      table.string('result', 16).notNullable()
      /** The scan's own id from the device: a retried scan with the same nonce is answered again, never counted twice. */
      table.string('nonce', 64).notNullable()
      table.boolean('offline').notNullable().defaultTo(false)
      /** An offline entry the ticket could no longer take (used elsewhere meanwhile). */
      table.boolean('conflict').notNullable().defaultTo(false)
      table.timestamp('occurred_at', { useTz: true }).notNullable()
      table.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.jsonb('answer').notNullable().defaultTo('{}')
      table.unique(['nonce'])
      table.index(['ticket_id'])
      table.index(['session_id', 'occurred_at'])
      table.index(['occurred_at'])
    })
  }

  async down() {
    for (const name of ['checkins', 'devices', 'ticket_revocations', 'ticket_keys']) this.schema.dropTable(name)
    this.schema.alterTable('order_tickets', (table) => {
      for (const column of ['party_size', 'admitted', 'entries_used', 'inside', 'secret_serial', 'last_entry_at']) table.dropColumn(column)
    })
    this.schema.alterTable('products', (table) => {
      for (const column of ['entries_per_ticket', 'reentry', 'entry_opens_minutes_before', 'entry_closes_minutes_after']) table.dropColumn(column)
    })
  }
}
