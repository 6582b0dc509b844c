/*
 * `node ace tenants:migrate`: brings every tenant schema to the latest tenant migration. Each
 * tenant migrates in its own transaction, so a failing tenant is reported and the others go on;
 * running it again only retries what is still pending.
 */
import { inject } from '@adonisjs/core'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import env from '#start/env'
import TenantMigrator, { type TenantMigrationReport } from '#tenancy/services/tenant_migrator'

export default class TenantsMigrate extends BaseCommand {
  static commandName = 'tenants:migrate'
  static description = 'Apply pending migrations to every tenant schema'
  static options: CommandOptions = { startApp: true }

  @flags.number({
    description: 'Tenants migrated at once (each holds one database connection)',
    default: env.get('TENANT_MIGRATION_CONCURRENCY', 4),
  })
  declare concurrency: number

  @inject()
  async run(migrator: TenantMigrator) {
    const started = performance.now()
    const reports = await migrator.migrateAll({ concurrency: this.concurrency, onReport: (report) => this.#print(report) })

    const failed = reports.filter((report) => report.error).length
    const migrated = reports.filter((report) => !report.error && report.applied.length > 0).length
    const upToDate = reports.length - failed - migrated
    const ms = Math.round(performance.now() - started)
    this.logger.log(`${migrated} migrated, ${upToDate} up to date, ${failed} failed (${ms}ms)`)
    if (failed > 0) this.exitCode = 1
  }

  #print(report: TenantMigrationReport) {
    const tenant = `${report.slug} (${report.schema})`
    if (report.error) {
      this.logger.error(`${tenant}: failed after ${report.ms}ms: ${report.error.message}`)
    } else if (report.applied.length > 0) {
      this.logger.success(`${tenant}: applied ${report.applied.join(', ')} (${report.ms}ms)`)
    } else {
      this.logger.info(`${tenant}: up to date (${report.ms}ms)`)
    }
  }
}
