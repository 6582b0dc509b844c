import { BaseSchema } from '@adonisjs/lucid/schema'
import { appendOnlyTriggerSql, auditLogTable } from '#database/schema_helpers'

export default class extends BaseSchema {
  async up() {
    auditLogTable(this.schema, 'platform_audit_logs', (table) => {
      table.bigInteger('tenant_id')
    })
    for (const sql of appendOnlyTriggerSql('platform_audit_logs')) this.schema.raw(sql)

    /** casbin rules for platform roles (domain '*'). Tenants keep theirs in their own schema. */
    this.schema.createTable('platform_authz_rules', (table) => {
      table.bigIncrements('id')
      table.string('ptype', 8).notNullable()
      for (const v of ['v0', 'v1', 'v2', 'v3', 'v4', 'v5']) table.string(v, 120)
    })

    /** @adonisjs/limiter's database store (login throttling). */
    this.schema.createTable('rate_limits', (table) => {
      table.string('key', 255).notNullable().primary()
      table.integer('points', 9).notNullable().defaultTo(0)
      table.bigint('expire').unsigned()
    })
  }

  async down() {
    this.schema.dropTable('rate_limits')
    this.schema.dropTable('platform_authz_rules')
    this.schema.raw('drop table platform_audit_logs cascade')
  }
}
