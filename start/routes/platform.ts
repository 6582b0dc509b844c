/*
 * Platform surface: health, venue sign-up, and the super-admin API (platform staff only, on the
 * platform's own host).
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { consoleApi } from '#start/routes/tenant_surface'

const HealthController = () => import('#platform/controllers/health_controller')
const SignupsController = () => import('#tenancy/controllers/signups_controller')
const PlatformSessionsController = () => import('#identity/controllers/platform_sessions_controller')
const TenantsController = () => import('#platform/controllers/tenants_controller')
const PlansController = () => import('#platform/controllers/plans_controller')
const PlatformStatsController = () => import('#platform/controllers/platform_stats_controller')
const ViewAsController = () => import('#platform/controllers/view_as_controller')

/*
 * Platform permissions: reading venues, plans and statistics is `tenants:read` (superadmin and
 * support); changing venues and plans, and viewing a venue as it sees itself, `tenants:write`
 * (superadmin); the audit log `platform_audit:read`.
 */
const read = () => middleware.can({ permission: 'tenants:read' })
const write = () => middleware.can({ permission: 'tenants:write' })
const NUMBER = router.matchers.number()

router.get('/health', [HealthController, 'show'])

router
  .group(() => {
    router.post('/signup', [SignupsController, 'store'])

    router
      .group(() => {
        router.post('/login', [PlatformSessionsController, 'store'])
        router.post('/two-factor', [PlatformSessionsController, 'twoFactor'])

        router
          .group(() => {
            router.get('/me', [PlatformSessionsController, 'show'])
            router.post('/logout', [PlatformSessionsController, 'destroy'])
            router.post('/logout-everywhere', [PlatformSessionsController, 'destroyEverywhere'])

            router.get('/tenants', [TenantsController, 'index']).use(read())
            router.get('/tenants/:id', [TenantsController, 'show']).where('id', NUMBER).use(read())
            router.post('/tenants/:id/approve', [TenantsController, 'approve']).where('id', NUMBER).use(write())
            router.post('/tenants/:id/suspend', [TenantsController, 'suspend']).where('id', NUMBER).use(write())
            router.post('/tenants/:id/resume', [TenantsController, 'resume']).where('id', NUMBER).use(write())
            router.patch('/tenants/:id/plan', [TenantsController, 'assignPlan']).where('id', NUMBER).use(write())
            router.post('/tenants/:id/view-as', [ViewAsController, 'store']).where('id', NUMBER).use(write())

            router.get('/plans', [PlansController, 'index']).use(read())
            router.post('/plans', [PlansController, 'store']).use(write())
            router.patch('/plans/:id', [PlansController, 'update']).where('id', NUMBER).use(write())
            router.delete('/plans/:id', [PlansController, 'destroy']).where('id', NUMBER).use(write())

            router.get('/stats', [PlatformStatsController, 'overview']).use(read())
            router.get('/audit-logs', [PlatformStatsController, 'audit']).use(middleware.can({ permission: 'platform_audit:read' }))
          })
          .use(middleware.auth({ guards: ['platform'] }))
      })
      .prefix('/platform/api')
  })
  .use(middleware.platformHost())

const PagesController = () => import('#platform/controllers/pages_controller')
router.get('/platform', [PagesController, 'platform']).use(middleware.platformHost())
// The console's own screens (client-side routes), opened directly or reloaded; never /platform/api/*.
router.get('/platform/*', [PagesController, 'platform']).as('platform_screen').use(middleware.platformHost())

/* The venue side of "view as": who is looking (the console's "me" for a platform viewer). */
consoleApi(() => {
  router.get('/view-as', [ViewAsController, 'show'])
})
