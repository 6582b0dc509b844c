/*
 * HTTP kernel: global middleware and the named middleware routes refer to.
 */
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#core/exception_handler'))

server.use([
  () => import('#core/middleware/container_bindings_middleware'),
  () => import('#core/middleware/force_json_middleware'),
  () => import('@adonisjs/cors/cors_middleware'),
])

router.use([
  () => import('@adonisjs/core/bodyparser_middleware'),
  () => import('#core/middleware/stateful_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
])

export const middleware = router.named({
  tenant: () => import('#tenancy/middleware/resolve_tenant_middleware'),
  platformHost: () => import('#platform/middleware/platform_host_middleware'),
  auth: () => import('#identity/middleware/auth_middleware'),
  can: () => import('#identity/middleware/authorize_middleware'),
  device: () => import('#checkin/middleware/device_auth_middleware'),
})
