/*
 * Background work of a web process: the expired-hold sweeper and the hourly real-name purge.
 * Not in tests (they run these on purpose) nor in ace commands.
 */
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { startHoldSweeper } from '#inventory/services/hold_sweeper'
import { purgeAllRealNameData } from '#inventory/services/real_name_retention'

if (app.getEnvironment() === 'web' && !app.inTest) {
  const stop = startHoldSweeper()
  const purge = setInterval(() => purgeAllRealNameData().catch((error) => logger.error({ err: error }, 'real-name purge failed')), 3_600_000)
  app.terminating(() => {
    stop()
    clearInterval(purge)
  })
}
