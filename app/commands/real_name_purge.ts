import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { purgeAllRealNameData } from '#inventory/services/real_name_retention'

export default class RealNamePurge extends BaseCommand {
  static commandName = 'real-name:purge'
  static description = "Delete real-name data past each venue's retention period (web processes also do it hourly)"
  static options: CommandOptions = { startApp: true }

  async run() {
    const { tenants, purged } = await purgeAllRealNameData()
    this.logger.info(`${purged} real-name records deleted across ${tenants} venues`)
  }
}
