import { BaseSchema } from '@adonisjs/lucid/schema'
import { appendOnlyTriggerSql, auditLogTable } from '#database/schema_helpers'

/** This venue's audit trail: append-only, hash-chained (`node ace audit:verify`). */
export default class extends BaseSchema {
  async up() {
    auditLogTable(this.schema, 'audit_logs')
    for (const sql of appendOnlyTriggerSql('audit_logs')) this.schema.raw(sql)
  }

  async down() {
    this.schema.raw('drop table audit_logs cascade')
  }
}
