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
const CONSOLE_SCREEN = { match: /^(?!api$)[a-z][a-z0-9-]*$/ }
tenantSurface('visitor', '', () => {
  router.get('/', [PagesController, 'visitor'])
  // The visitor H5's own pages (its client-side routes), opened from a link or reloaded.
  router.get('/buy/:id', [PagesController, 'visitor']).where('id', router.matchers.number()).as('visitor_buy')
  router.get('/pay/:number', [PagesController, 'visitor']).as('visitor_pay')
  router.post('/pay/:number', [PagesController, 'visitorReturn']).as('visitor_pay_return')
  router.get('/my', [PagesController, 'visitor']).as('visitor_my')
  router.get('/my/*', [PagesController, 'visitor']).as('visitor_my_page')
  router.get('/login', [PagesController, 'visitor']).as('visitor_login')
})
tenantSurface('console', '', () => {
  router.get('/console', [PagesController, 'console'])
  // The console's own screens (its client-side routes), opened directly or reloaded. Not /console/api:
  // routes registered later (other files) would be shadowed by a plain /console/* here.
  router.get('/console/:screen', [PagesController, 'console']).where('screen', CONSOLE_SCREEN).as('console_screen')
  router.get('/console/:screen/*', [PagesController, 'console']).where('screen', CONSOLE_SCREEN).as('console_screen_detail')
  router.get('/scanner', [PagesController, 'scanner'])
})

/* The files the built front ends load (docs/front_end.md): the same for every venue and host. */
router.get('/build/assets/:file', [PagesController, 'asset'])
