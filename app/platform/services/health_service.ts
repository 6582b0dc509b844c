/*
 * GET /health: is the database reachable, and are the platform and every tenant schema on the
 * latest migration. Tenants' versions are read from tenants.schema_version (kept by the tenant
 * migrator in the same transaction as the migration), so the check is one query, not one per tenant.
 */
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import TenantMigrator from '#tenancy/services/tenant_migrator'

export default class HealthService {
  async check() {
    const started = performance.now()
    try {
      await db.rawQuery('select 1')
    } catch (error) {
      return { healthy: false, database: { ok: false, error: (error as Error).message } }
    }
    const latency = Math.round(performance.now() - started)

    const runner = new MigrationRunner(db, app, { direction: 'up', dryRun: true })
    const pendingPlatform = (await runner.getList()).filter((migration) => migration.status === 'pending')

    const files = await new TenantMigrator().files()
    const latest = files.at(-1)?.name ?? null
    const [{ total, behind }] = await db
      .from('tenants')
      .select(db.raw('count(*)::int as total'), db.raw('count(*) filter (where schema_version is distinct from ?)::int as behind', [latest]))

    const healthy = pendingPlatform.length === 0 && behind === 0
    return {
      healthy,
      database: { ok: true, latencyMs: latency },
      migrations: {
        platform: { pending: pendingPlatform.map((migration) => migration.name) },
        tenants: { latest, total, behind },
      },
    }
  }
}
