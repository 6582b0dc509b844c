/*
 * Real-name anti-scalping: a visitor's saved holders (visitor API), the venue's booking rules and
 * no-shows recorded by hand (console, session or API token).
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const FrequentVisitorsController = () => import('#inventory/controllers/frequent_visitors_controller')
const BookingRulesController = () => import('#inventory/controllers/booking_rules_controller')

const id = router.matchers.number()

tenantSurface('visitor', '/api', () => {
  router
    .group(() => {
      router.get('/account/holders', [FrequentVisitorsController, 'index'])
      router.post('/account/holders', [FrequentVisitorsController, 'store'])
      router.delete('/account/holders/:id', [FrequentVisitorsController, 'destroy']).where('id', id)
    })
    .use(middleware.auth({ guards: ['visitor'] }))
})

consoleApi(() => {
  router.get('/booking-rules', [BookingRulesController, 'show']).use(can('inventory:read'))
  router.put('/booking-rules', [BookingRulesController, 'update']).use(can('inventory:write'))
  router.post('/visitors/:id/no-shows', [BookingRulesController, 'recordNoShow']).where('id', id).use(can('inventory:write'))
})
