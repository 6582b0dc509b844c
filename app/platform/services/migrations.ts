/*
 * Brings the platform schema and every tenant schema to the latest version (demo start-up and
 * deployments).
 */
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import TenantMigrator from '#tenancy/services/tenant_migrator'

export async function migrateEverything() {
  const platform = new MigrationRunner(db, app, { direction: 'up' })
  await platform.run()
  if (platform.error) throw platform.error
  const reports = await new TenantMigrator().migrateAll()
  const failed = reports.filter((report) => report.error)
  if (failed.length) throw new Error(`Tenant migrations failed for: ${failed.map((r) => `${r.slug} (${r.error!.message})`).join(', ')}`)
  return { platform: Object.keys(platform.migratedFiles), tenants: reports }
}
