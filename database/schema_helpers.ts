/*
 * Columns every login identity shares (platform staff, venue staff, visitors), used by both the
 * platform and the tenant migrations so the auth code can treat them alike.
 */
import type { Knex } from 'knex'

export function credentialColumns(table: Knex.CreateTableBuilder) {
  table.string('email', 254)
  table.string('password', 255)
  table.string('status', 20).notNullable().defaultTo('active')
  table.integer('failed_login_count').notNullable().defaultTo(0)
  table.timestamp('locked_until', { useTz: true })
  /** Bumped by "log out everywhere": sessions and tokens issued before are refused. */
  table.integer('session_epoch').notNullable().defaultTo(0)
  /** TOTP secret, encrypted with the app key (AES-256-GCM). */
  table.text('totp_secret')
  table.timestamp('totp_enabled_at', { useTz: true })
  /** Last accepted TOTP time step: a code is never accepted twice. */
  table.bigInteger('totp_last_step')
  table.timestamp('last_login_at', { useTz: true })
}

/** Append-only audit table with a hash chain; the trigger refuses updates and deletes. */
export function auditLogTable(schema: Knex.SchemaBuilder, name: string, extra?: (table: Knex.CreateTableBuilder) => void) {
  schema.createTable(name, (table) => {
    table.bigIncrements('id')
    table.timestamp('occurred_at', { useTz: true }).notNullable()
    table.string('actor_type', 20).notNullable()
    table.string('actor_id', 40)
    table.string('actor_label', 254)
    table.string('action', 80).notNullable()
    table.string('outcome', 20).notNullable().defaultTo('success')
    table.string('subject_type', 40)
    table.string('subject_id', 60)
    extra?.(table)
    table.string('ip', 64)
    table.string('user_agent', 300)
    table.string('request_id', 64)
    table.jsonb('before')
    table.jsonb('after')
    table.jsonb('meta')
    table.string('prev_hash', 64).notNullable()
    table.string('hash', 64).notNullable().unique()
    table.index(['occurred_at'])
    table.index(['action'])
  })
}

/** SQL for the trigger that makes an audit table append-only (defined in the table's own schema). */
export function appendOnlyTriggerSql(table: string) {
  return [
    `create or replace function ${table}_append_only() returns trigger language plpgsql as $$
     begin raise exception '% is append-only', TG_TABLE_NAME; end $$`,
    `create trigger ${table}_append_only before update or delete or truncate on ${table}
     for each statement execute function ${table}_append_only()`,
  ]
}
