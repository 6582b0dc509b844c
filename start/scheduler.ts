/*
 * Background work of a web process: the expired-hold sweeper. Not in tests (they sweep on
 * purpose) nor in ace commands.
 */
import app from '@adonisjs/core/services/app'
import { startHoldSweeper } from '#inventory/services/hold_sweeper'

if (app.getEnvironment() === 'web' && !app.inTest) {
  const stop = startHoldSweeper()
  app.terminating(() => stop())
}
