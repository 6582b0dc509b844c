/*
 * Background work of a web process: the expired-hold and payment sweepers, message and webhook
 * delivery, and hourly the real-name and face purges, the day-before visit reminders and (from 10:00)
 * yesterday's channel bills for settlement.
 * Not in tests (they run these on purpose) nor in ace commands.
 */
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'

if (app.getEnvironment() === 'web' && !app.inTest) {
  const { startHoldSweeper } = await import('#inventory/services/hold_sweeper')
  const { startPaymentSweeper } = await import('#payments/services/payment_sweeper')
  const { purgeAllRealNameData } = await import('#inventory/services/real_name_retention')
  const { startMessageSender } = await import('#messaging/services/outbox')
  const { startWebhookSender } = await import('#members/services/webhooks')
  const { remindAllTomorrowsVisitors } = await import('#tickets/services/ticket_delivery')
  const { purgeAllEndedFaceEnrollments } = await import('#checkin/services/face_enrollments')
  const { fetchYesterdaysBills } = await import('#reports/services/settlements')
  const stop = startHoldSweeper()
  const stopPayments = startPaymentSweeper()
  const stopMessages = startMessageSender()
  const stopWebhooks = startWebhookSender()
  const hourly = setInterval(() => {
    purgeAllRealNameData().catch((error) => logger.error({ err: error }, 'real-name purge failed'))
    remindAllTomorrowsVisitors().catch((error) => logger.error({ err: error }, 'visit reminders failed'))
    purgeAllEndedFaceEnrollments().catch((error) => logger.error({ err: error }, 'face purge failed'))
    fetchYesterdaysBills().catch((error) => logger.error({ err: error }, 'fetching the channels’ bills failed'))
  }, 3_600_000)
  app.terminating(() => {
    stop()
    stopPayments()
    stopMessages()
    stopWebhooks()
    clearInterval(hourly)
  })
}
