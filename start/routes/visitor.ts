/*
 * Visitor API, at <venue host>/api or /t/<slug>/api.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { tenantSurface } from '#start/routes/tenant_surface'

const VisitorSessionsController = () => import('#identity/controllers/visitor_sessions_controller')
const HoldsController = () => import('#inventory/controllers/holds_controller')
const AvailabilityController = () => import('#inventory/controllers/availability_controller')

tenantSurface('visitor', '/api', () => {
  router.post('/account/register', [VisitorSessionsController, 'register'])
  router.post('/account/login', [VisitorSessionsController, 'store'])

  router.get('/products/:id/availability', [AvailabilityController, 'days']).where('id', router.matchers.number())
  router.get('/products/:id/sessions', [AvailabilityController, 'sessions']).where('id', router.matchers.number())
  router.post('/holds', [HoldsController, 'store'])
  router.delete('/holds/:id', [HoldsController, 'destroy']).where('id', router.matchers.uuid())

  router
    .group(() => {
      router.get('/account/me', [VisitorSessionsController, 'show'])
      router.post('/account/logout', [VisitorSessionsController, 'destroy'])
      router.post('/account/logout-everywhere', [VisitorSessionsController, 'destroyEverywhere'])
    })
    .use(middleware.auth({ guards: ['visitor'] }))
})

const PagesController = () => import('#platform/controllers/pages_controller')

/* The pages a visitor and a staff member open (venue host root, or /t/<slug>/). */
tenantSurface('visitor', '', () => {
  router.get('/', [PagesController, 'visitor'])
})
tenantSurface('console', '', () => {
  router.get('/console', [PagesController, 'console'])
  router.get('/scanner', [PagesController, 'scanner'])
})

/* The files the built front ends load (docs/front_end.md): the same for every venue and host. */
router.get('/build/assets/:file', [PagesController, 'asset'])
