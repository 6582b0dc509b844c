/*
 * The venue's outbox of messages to visitors (console API).
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi } from '#start/routes/tenant_surface'

const MessagesController = () => import('#messaging/controllers/messages_controller')

consoleApi(() => {
  router.get('/messages', [MessagesController, 'index']).use(can('orders:read'))
  router.post('/messages/:id/resend', [MessagesController, 'resend']).where('id', router.matchers.number()).use(can('orders:write'))
})
