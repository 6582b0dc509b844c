/*
 * Migrations of tenant schemas (files in tenants/migrations). Each schema records what it has
 * applied in its own `tenant_migrations` table, so migrating is idempotent and resumable: a run
 * that stops halfway leaves every tenant either fully on its old version or fully on the new one
 * (one transaction per tenant), and the next run carries on.
 */
import { readdir } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import app from '@adonisjs/core/services/app'
import type { BaseSchema } from '@adonisjs/lucid/schema'
import type Tenant from '#tenancy/models/tenant'
import { eachTenant } from '#tenancy/services/each_tenant'
import { runInTenant, tenantIdOf, type TenantTransaction } from '#tenancy/services/tenant_database'

type SchemaClass = new (client: TenantTransaction, file: string, dryRun: boolean) => BaseSchema

export interface TenantMigrationReport {
  tenantId: number
  slug: string
  schema: string
  applied: string[]
  error?: Error
  ms: number
}

export default class TenantMigrator {
  #files?: Promise<{ name: string; url: string }[]>

  constructor(readonly directory: string = app.makePath('tenants/migrations')) {}

  /** Migration files in order; loaded once per migrator. */
  files() {
    this.#files ??= readdir(this.directory).then((entries) =>
      entries
        .filter((entry) => /\.(ts|js)$/.test(entry) && !entry.endsWith('.d.ts'))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .map((entry) => ({ name: entry.replace(/\.(ts|js)$/, ''), url: pathToFileURL(`${this.directory}/${entry}`).href }))
    )
    return this.#files
  }

  /** Applies pending migrations inside the given tenant transaction; returns their names. */
  async migrate(trx: TenantTransaction): Promise<string[]> {
    // Two migrators on one schema would race on DDL: the second waits for the first to commit.
    await trx.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [`tenant-migrate:${trx.tenantSchema}`])
    await trx.rawQuery(
      `create table if not exists tenant_migrations (
         name varchar(255) primary key,
         migrated_at timestamptz not null default now()
       )`
    )
    const done = new Set((await trx.from('tenant_migrations').select('name')).map((row) => row.name as string))
    const applied: string[] = []
    for (const file of await this.files()) {
      if (done.has(file.name)) continue
      const { default: Schema } = (await import(file.url)) as { default: SchemaClass }
      await new Schema(trx, file.name, false).execUp()
      await trx.table('tenant_migrations').insert({ name: file.name })
      applied.push(file.name)
    }
    const latest = (await this.files()).at(-1)?.name ?? null
    await trx.rawQuery('update public.tenants set schema_version = ? where id = ?', [latest ?? '', tenantIdOf(trx.tenantSchema)])
    return applied
  }

  async pending(trx: TenantTransaction): Promise<string[]> {
    const exists = await trx.rawQuery("select to_regclass('tenant_migrations') as found")
    const done = exists.rows[0].found
      ? new Set((await trx.from('tenant_migrations').select('name')).map((row) => row.name as string))
      : new Set<string>()
    return (await this.files()).filter((file) => !done.has(file.name)).map((file) => file.name)
  }

  async migrateTenant(tenant: Tenant): Promise<TenantMigrationReport> {
    const started = performance.now()
    const report: TenantMigrationReport = { tenantId: tenant.id, slug: tenant.slug, schema: tenant.schemaName, applied: [], ms: 0 }
    try {
      report.applied = await runInTenant(tenant, (trx) => this.migrate(trx))
    } catch (error) {
      report.error = error as Error
    }
    report.ms = Math.round(performance.now() - started)
    return report
  }

  /** Migrates every tenant, a few at a time; a failing tenant is reported and the others carry on. */
  async migrateAll(options: { concurrency?: number; onReport?: (report: TenantMigrationReport) => void } = {}) {
    const outcomes = await eachTenant((tenant) => this.migrateTenant(tenant), {
      concurrency: options.concurrency,
      onOutcome: ({ result }) => result && options.onReport?.(result),
    })
    return outcomes.map((outcome) => outcome.result!)
  }
}
