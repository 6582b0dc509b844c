import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { fetchAllBills, yesterday } from '#reports/services/settlements'

export default class FinanceFetchBills extends BaseCommand {
  static commandName = 'finance:fetch-bills'
  static description = 'Fetch the channels’ bills of a day (yesterday by default) and reconcile them, in every venue'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'The Beijing day, YYYY-MM-DD (default: yesterday)' })
  declare date?: string

  @flags.boolean({ description: 'Fetch again days already fetched (confirmed days never are)' })
  declare all: boolean

  @flags.string({ description: 'Only this venue (its slug)' })
  declare venue?: string

  async run() {
    const date = this.date ?? yesterday()
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      this.logger.error('--date must be YYYY-MM-DD')
      this.exitCode = 1
      return
    }
    const result = await fetchAllBills(date, { refetch: this.all, slug: this.venue })
    this.logger.info(
      `${date}: ${result.tenants} venues; ${result.matched} matched, ${result.differences} with differences, ${result.failed} failed, ${result.skipped} already fetched` +
        (result.failedTenants ? `; ${result.failedTenants} venues failed` : '')
    )
    if (result.failed || result.failedTenants) this.exitCode = 1
  }
}
