/*
 * Seat maps: halls' maps in the console, a session's seats for visitors (no sign-in needed).
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const SeatMapsController = () => import('#catalog/controllers/seat_maps_controller')


consoleApi(() => {
  router.get('/zones/:id/seat-map', [SeatMapsController, 'show']).where('id', router.matchers.number()).use(can('inventory:read'))
  router.put('/zones/:id/seat-map', [SeatMapsController, 'update']).where('id', router.matchers.number()).use(can('inventory:write'))
})

tenantSurface('visitor', '/api', () => {
  router.get('/sessions/:sessionId/seats', [SeatMapsController, 'sessionSeats']).where('sessionId', router.matchers.number())
})
