import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { sweepExpiredHolds } from '#inventory/services/hold_sweeper'

export default class InventoryExpireHolds extends BaseCommand {
  static commandName = 'inventory:expire-holds'
  static description = 'Give back the capacity of every overdue hold, in every open venue'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { tenants, expired } = await sweepExpiredHolds()
    this.logger.info(`${expired} overdue holds expired across ${tenants} venues`)
  }
}
