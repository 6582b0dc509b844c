/*
 * Hot inventory statements run as ONE autocommit statement on the pool (no BEGIN, no SET LOCAL:
 * every extra round trip while a capacity row is locked costs throughput). They name the tenant's
 * tables with its schema explicitly; the schema comes from the request's tenant, validated.
 */
import db from '@adonisjs/lucid/services/db'
import { assertSchemaName } from '#tenancy/services/tenant_database'

/** Replaces `$s.` in `sql` with the tenant's quoted schema and runs it. */
export async function runTenantStatement<Row = Record<string, unknown>>(
  tenant: { schemaName: string },
  sql: string,
  bindings: unknown[] = []
): Promise<Row[]> {
  const schema = `"${assertSchemaName(tenant.schemaName)}".`
  const result = await db.rawQuery(sql.replaceAll('$s.', schema), bindings as any[])
  return result.rows as Row[]
}
