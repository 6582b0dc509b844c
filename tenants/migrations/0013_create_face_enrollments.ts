import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Face check-in. A face is sensitive personal information (PIPL art. 28): it is enrolled for one
 * real-name ticket with the holder's separate consent (art. 29; a guardian's under 14, art. 31),
 * kept encrypted, and deleted when the ticket ends or on request (art. 47). A deleted enrollment
 * keeps its consent record but not the photo nor its hash.
 *
 * Face gates keep a local copy; the sync log (one row per enrollment and per deletion, in commit
 * order) is what they follow with a "since" cursor, so a deleted face leaves every gate at its
 * next sync.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('face_enrollments', (table) => {
      table.bigIncrements('id')
      table.bigInteger('ticket_id').notNullable().references('order_tickets.id')
      /** The ticket's site: only its face gates receive the photo. */
      table.bigInteger('site_id').notNullable().references('sites.id')
      /** The photo (base64), encrypted with the app key; null once deleted. */
      table.text('photo')
      table.string('content_type', 10).checkIn(['image/jpeg', 'image/png'])
      /** SHA-256 of the photo's bytes: the same photo sent again changes nothing. Null once deleted. */
      table.string('photo_sha256', 64)
      table.string('consent_text_version', 40).notNullable()
      table.timestamp('consented_at', { useTz: true }).notNullable()
      table.string('consent_ip', 45)
      table.string('consent_user_agent', 300)
      /** The guardian who consented for a holder under 14. */
      table.string('guardian_name', 40)
      table.string('guardian_relation', 20)
      table.string('status', 8).notNullable().defaultTo('active').checkIn(['active', 'deleted'])
      table.timestamp('deleted_at', { useTz: true })
      table
        .string('deletion_reason', 16)
        .checkIn(['withdrawn', 'replaced', 'refunded', 'changed', 'session_ended', 'used', 'ticket_ended'])
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['ticket_id'])
    })
    this.schema.raw(`create unique index face_enrollments_one_active on face_enrollments (ticket_id) where status = 'active'`)
    this.schema.raw(`alter table face_enrollments add constraint face_enrollments_photo_only_while_active check (
      (status = 'active' and photo is not null and content_type is not null and photo_sha256 is not null and deleted_at is null)
      or (status = 'deleted' and photo is null and photo_sha256 is null and deleted_at is not null and deletion_reason is not null))`)

    this.schema.createTable('face_sync_log', (table) => {
      /** The devices' cursor. */
      table.bigIncrements('id')
      table.bigInteger('enrollment_id').notNullable().references('face_enrollments.id')
      table.bigInteger('ticket_id').notNullable()
      table.bigInteger('site_id').notNullable()
      table.string('action', 8).notNullable().checkIn(['enrolled', 'deleted'])
      table.timestamp('at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['site_id', 'id'])
      table.index(['enrollment_id'])
    })
  }

  async down() {
    this.schema.dropTable('face_sync_log')
    this.schema.dropTable('face_enrollments')
  }
}
