/*
 * Venue console administration: staff, roles, the audit log (session or API token) and the
 * signed-in member's own API tokens (session only). Each route names the permission it needs.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const StaffController = () => import('#identity/controllers/staff_controller')
const RolesController = () => import('#identity/controllers/roles_controller')
const AccessTokensController = () => import('#identity/controllers/access_tokens_controller')
const AuditLogsController = () => import('#identity/controllers/audit_logs_controller')

consoleApi(() => {
  router.get('/staff', [StaffController, 'index']).use(can('staff:read'))
  router.post('/staff', [StaffController, 'store']).use(can('staff:write'))
  router.patch('/staff/:id', [StaffController, 'update']).where('id', router.matchers.number()).use(can('staff:write'))

  router.get('/permissions', [RolesController, 'permissions']).use(can('roles:read'))
  router.get('/roles', [RolesController, 'index']).use(can('roles:read'))
  router.post('/roles', [RolesController, 'store']).use(can('roles:write'))
  router.put('/roles/:key', [RolesController, 'update']).use(can('roles:write'))
  router.delete('/roles/:key', [RolesController, 'destroy']).use(can('roles:write'))

  router.get('/audit', [AuditLogsController, 'index']).use(can('audit:read'))
})

/* A member's own API tokens: managed from a signed-in session only, never by a token. */
tenantSurface('console', '/console/api', () => {
  router
    .group(() => {
      router.get('/tokens', [AccessTokensController, 'index'])
      router.post('/tokens', [AccessTokensController, 'store'])
      router.delete('/tokens/:id', [AccessTokensController, 'destroy']).where('id', router.matchers.number())
    })
    .use(middleware.auth({ guards: ['staff'] }))
})
