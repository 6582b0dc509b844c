import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { sweepPayments } from '#payments/services/payment_sweeper'

export default class PaymentsReconcile extends BaseCommand {
  static commandName = 'payments:reconcile'
  static description = 'Close overdue orders at their channels, query late payments and unfinished refunds, in every venue'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Query every pending payment and refund now, not only those due' })
  declare all: boolean

  async run() {
    const { tenants, expired, queried, refunds } = await sweepPayments({ all: this.all })
    this.logger.info(`${tenants} venues: ${expired} orders expired, ${queried} payments and ${refunds} refunds queried`)
  }
}
