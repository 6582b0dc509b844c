/*
 * Webhooks the venue sends to its other systems (console API): endpoints, their secrets, the
 * delivery log and manual redelivery. (Notifications the payment channels send us are in orders.ts.)
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi } from '#start/routes/tenant_surface'

const WebhooksController = () => import('#members/controllers/webhooks_controller')

consoleApi(() => {
  router.get('/webhooks', [WebhooksController, 'index']).use(can('venue:read'))
  router.post('/webhooks', [WebhooksController, 'store']).use(can('venue:write'))
  router
    .group(() => {
      router.get('/webhooks/:id', [WebhooksController, 'show']).use(can('venue:read'))
      router.patch('/webhooks/:id', [WebhooksController, 'update']).use(can('venue:write'))
      router.post('/webhooks/:id/rotate-secret', [WebhooksController, 'rotateSecret']).use(can('venue:write'))
      router.get('/webhooks/:id/deliveries', [WebhooksController, 'deliveries']).use(can('venue:read'))
    })
    .where('id', router.matchers.number())
  router.post('/webhook-deliveries/:id/redeliver', [WebhooksController, 'redeliver']).where('id', router.matchers.number()).use(can('venue:write'))
})
