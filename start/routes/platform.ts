/*
 * Platform surface: health, venue sign-up, and the super-admin API (platform staff only, on the
 * platform's own host).
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const HealthController = () => import('#platform/controllers/health_controller')
const SignupsController = () => import('#tenancy/controllers/signups_controller')
const PlatformSessionsController = () => import('#identity/controllers/platform_sessions_controller')
const TenantsController = () => import('#platform/controllers/tenants_controller')

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

            router.get('/tenants', [TenantsController, 'index']).use(middleware.can({ permission: 'tenants:read' }))
            router.post('/tenants/:id/approve', [TenantsController, 'approve']).where('id', router.matchers.number()).use(middleware.can({ permission: 'tenants:write' }))
            router.post('/tenants/:id/suspend', [TenantsController, 'suspend']).where('id', router.matchers.number()).use(middleware.can({ permission: 'tenants:write' }))
            router.post('/tenants/:id/resume', [TenantsController, 'resume']).where('id', router.matchers.number()).use(middleware.can({ permission: 'tenants:write' }))
          })
          .use(middleware.auth({ guards: ['platform'] }))
      })
      .prefix('/platform/api')
  })
  .use(middleware.platformHost())

const PagesController = () => import('#platform/controllers/pages_controller')
router.get('/platform', [PagesController, 'platform']).use(middleware.platformHost())
