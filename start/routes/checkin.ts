/*
 * Check-in (核销): the device API for gates and scanners (signed per device), and check-in at the
 * console (staff scans, records, live counts, devices).
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const DeviceApiController = () => import('#checkin/controllers/device_api_controller')
const CheckinsController = () => import('#checkin/controllers/checkins_controller')
const SitesController = () => import('#catalog/controllers/sites_controller')

tenantSurface('device', '/device/api', () => {
  router
    .group(() => {
      router.post('/scans', [DeviceApiController, 'scan'])
      router.post('/offline-entries', [DeviceApiController, 'offlineEntries'])
      router.get('/offline-list', [DeviceApiController, 'offlineList'])
      router.get('/keys', [DeviceApiController, 'keys'])
      router.post('/heartbeat', [DeviceApiController, 'heartbeat'])
    })
    .use(middleware.device())
})

consoleApi(() => {
  router.post('/checkins', [CheckinsController, 'scan']).use(can('checkin:write'))
  router.get('/checkins', [CheckinsController, 'index']).use(can('checkin:read'))
  router.get('/checkins/live', [CheckinsController, 'live']).use(can('checkin:read'))
  // Gate staff pick the site they stand at (the scanner) without seeing the rest of the catalog.
  router.get('/checkins/sites', [SitesController, 'index']).as('checkins.sites').use(can('checkin:read'))
  router.get('/devices', [CheckinsController, 'devices']).use(can('devices:read'))
  router.post('/devices', [CheckinsController, 'registerDevice']).use(can('devices:write'))
  router.post('/ticket-keys/rotate', [CheckinsController, 'rotateTicketKey']).use(can('devices:write'))
  router.post('/devices/:id/revoke', [CheckinsController, 'revokeDevice']).where('id', router.matchers.number()).use(can('devices:write'))
})
