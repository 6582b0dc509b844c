/*
 * The only way to reach a tenant's tables: a unit of work is a transaction whose search_path is
 * that tenant's schema alone (SET LOCAL, through set_config so the name is a bind parameter).
 * Queries that skip it run on the pool's `public` search_path, where no tenant table exists.
 */
import db from '@adonisjs/lucid/services/db'
import { Exception } from '@adonisjs/core/exceptions'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** A transaction bound to one tenant schema; carries the schema so models can check it. */
export type TenantTransaction = TransactionClientContract & { readonly tenantSchema: string }

export class TenantScopeMissingError extends Exception {
  static status = 500
  static code = 'E_TENANT_SCOPE_MISSING'
}

export function tenantSchemaName(tenantId: number): string {
  return `tenant_${tenantId}`
}

export function tenantIdOf(schema: string): number {
  return Number(assertSchemaName(schema).slice('tenant_'.length))
}

export function assertSchemaName(name: string): string {
  if (!SCHEMA_NAME.test(name) || !name.startsWith('tenant_')) {
    throw new TenantScopeMissingError(`Invalid tenant schema name "${name}"`)
  }
  return name
}

/** Binds an open transaction to a tenant schema. Used by `run` and by provisioning. */
export async function bindTransaction(trx: TransactionClientContract, schema: string): Promise<TenantTransaction> {
  await trx.rawQuery("select set_config('search_path', ?, true)", [assertSchemaName(schema)])
  return Object.assign(trx, { tenantSchema: schema })
}

export function isTenantTransaction(client: unknown): client is TenantTransaction {
  return Boolean(client && typeof (client as TenantTransaction).tenantSchema === 'string')
}

/**
 * Runs `work` in one transaction bound to the tenant's schema; commits if it returns. A read that
 * spans several statements and must see one moment asks for `repeatable read`.
 */
export function runInTenant<T>(
  tenant: { schemaName: string },
  work: (trx: TenantTransaction) => Promise<T>,
  options: { isolationLevel?: 'repeatable read' } = {}
): Promise<T> {
  return db.transaction(async (trx) => work(await bindTransaction(trx, tenant.schemaName)), options)
}
