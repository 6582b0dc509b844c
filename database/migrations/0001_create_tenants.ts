import { BaseSchema } from '@adonisjs/lucid/schema'

/** Venues on the platform. A tenant's own data lives in schema tenant_<id>, never here. */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('tenants', (table) => {
      table.bigIncrements('id')
      table.string('slug', 40).notNullable().unique()
      table.string('name', 100).notNullable()
      table.string('venue_type', 20).notNullable()
      table.string('status', 20).notNullable().defaultTo('pending')
      table.string('contact_name', 60).notNullable()
      table.string('contact_phone', 20).notNullable()
      table.string('email', 254).notNullable()
      table.timestamp('approved_at', { useTz: true })
      table.timestamp('suspended_at', { useTz: true })
      table.string('suspension_reason', 500)
      /** Last tenant migration applied to the tenant's schema (kept by TenantMigrator). */
      table.string('schema_version', 255)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    this.schema.raw(
      "alter table tenants add constraint tenants_status_check check (status in ('pending', 'active', 'suspended'))"
    )

    this.schema.createTable('tenant_domains', (table) => {
      table.bigIncrements('id')
      table.bigInteger('tenant_id').notNullable().references('tenants.id').onDelete('cascade')
      table.string('host', 253).notNullable().unique()
      table.timestamp('created_at', { useTz: true }).notNullable()
    })
  }

  async down() {
    this.schema.dropTable('tenant_domains')
    this.schema.dropTable('tenants')
  }
}
