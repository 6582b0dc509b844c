/*
 * Hot inventory statements run as ONE autocommit statement on the pool (no BEGIN, no SET LOCAL:
 * every extra round trip while a capacity row is locked costs throughput). They name the tenant's
 * tables with its schema explicitly; the schema comes from the request's tenant, validated.
 *
 * Named statements are prepared once per pooled connection and venue, so PostgreSQL does not
 * plan the large hold statement again on every call (planning cost more than running it).
 */
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { assertSchemaName } from '#tenancy/services/tenant_database'

/**
 * Replaces `$s.` in `sql` with the tenant's quoted schema and runs it (prepared, when named), on
 * the pool or, when given, inside the caller's transaction.
 */
export async function runTenantStatement<Row = Record<string, unknown>>(
  tenant: { schemaName: string },
  sql: string,
  bindings: unknown[] = [],
  name?: string,
  client?: QueryClientContract
): Promise<Row[]> {
  const schema = assertSchemaName(tenant.schemaName)
  const query = (client ?? db.connection())
    .getWriteClient()
    .raw(sql.replaceAll('$s.', `"${schema}".`), bindings as any[])
  if (name) query.options({ name: `${name}_${schema}` })
  const result = await query
  return result.rows as Row[]
}
