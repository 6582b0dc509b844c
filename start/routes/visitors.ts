/*
 * Visitors (游客) at the venue console: search and detail (orders:read, "See orders and visitors").
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi } from '#start/routes/tenant_surface'

const ConsoleVisitorsController = () => import('#orders/controllers/console_visitors_controller')

consoleApi(() => {
  router.get('/visitors', [ConsoleVisitorsController, 'index']).use(can('orders:read'))
  router.get('/visitors/:id', [ConsoleVisitorsController, 'show']).where('id', router.matchers.number()).use(can('orders:read'))
})
