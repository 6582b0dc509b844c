/*
 * Background work of a web process: the expired-hold and payment sweepers, message delivery and the
 * hourly real-name purge.
 * Not in tests (they run these on purpose) nor in ace commands.
 */
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'

if (app.getEnvironment() === 'web' && !app.inTest) {
  const { startHoldSweeper } = await import('#inventory/services/hold_sweeper')
  const { startPaymentSweeper } = await import('#payments/services/payment_sweeper')
  const { purgeAllRealNameData } = await import('#inventory/services/real_name_retention')
  const { startMessageSender } = await import('#messaging/services/outbox')
  const stop = startHoldSweeper()
  const stopPayments = startPaymentSweeper()
  const stopMessages = startMessageSender()
  const purge = setInterval(() => purgeAllRealNameData().catch((error) => logger.error({ err: error }, 'real-name purge failed')), 3_600_000)
  app.terminating(() => {
    stop()
    stopPayments()
    stopMessages()
    clearInterval(purge)
  })
}
