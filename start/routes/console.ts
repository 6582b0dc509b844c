/*
 * Venue console API (staff), at <venue host>/console/api or /t/<slug>/console/api.
 * Each route names the permission it needs; casbin decides (middleware.can).
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { tenantSurface } from '#start/routes/tenant_surface'

const StaffSessionsController = () => import('#identity/controllers/staff_sessions_controller')

tenantSurface('console', '/console/api', () => {
  router.post('/login', [StaffSessionsController, 'store'])
  router.post('/two-factor', [StaffSessionsController, 'twoFactor'])

  router
    .group(() => {
      router.get('/me', [StaffSessionsController, 'show'])
      router.post('/logout', [StaffSessionsController, 'destroy'])
      router.post('/logout-everywhere', [StaffSessionsController, 'destroyEverywhere'])
      router.post('/two-factor/setup', [StaffSessionsController, 'startTwoFactor'])
      router.post('/two-factor/disable', [StaffSessionsController, 'disableTwoFactor'])
    })
    .use(middleware.auth({ guards: ['staff'] }))
})
