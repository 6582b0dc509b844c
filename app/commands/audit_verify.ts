/*
 * `node ace audit:verify`: recomputes the hash chain of the platform audit log and of every
 * tenant's audit log, so edits or deletions made behind the application's back (e.g. with the
 * append-only trigger disabled) come to light. Exits with 1 when any chain is broken.
 */
import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import db from '@adonisjs/lucid/services/db'
import { verifyChain, type ChainVerdict } from '#identity/audit/audit_chain'
import Tenant from '#tenancy/models/tenant'
import { runInTenant } from '#tenancy/services/tenant_database'

export default class AuditVerify extends BaseCommand {
  static commandName = 'audit:verify'
  static description = 'Verify the hash chains of the platform and tenant audit logs'
  static options: CommandOptions = { startApp: true }

  async run() {
    let failed = 0
    const check = async (label: string, verify: () => Promise<ChainVerdict>) => {
      // One unreadable log (e.g. a tenant whose audit table is missing) must not hide the others.
      try {
        const verdict = await verify()
        if (verdict.brokenAtId === undefined) {
          this.logger.success(`${label}: ${verdict.rows} rows checked, OK`)
          return
        }
        this.logger.error(`${label}: ${verdict.rows} rows checked, BROKEN at row ${verdict.brokenAtId}: ${verdict.reason}`)
      } catch (error) {
        this.logger.error(`${label}: could not be verified: ${(error as Error).message}`)
      }
      failed++
    }

    await check('public.platform_audit_logs', () => verifyChain(db.connection(), 'public.platform_audit_logs'))
    const tenants = await Tenant.query().orderBy('id')
    for (const tenant of tenants) {
      await check(`${tenant.schemaName}.audit_logs (${tenant.slug})`, () =>
        runInTenant(tenant, (trx) => verifyChain(trx, 'audit_logs'))
      )
    }

    this.logger.log(`${tenants.length + 1} logs verified, ${failed} failed`)
    if (failed > 0) this.exitCode = 1
  }
}
