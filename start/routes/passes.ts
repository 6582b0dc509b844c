/*
 * Annual passes (年卡, docs/passes.md): staff search and manage them (console API); visitors see,
 * activate and renew their own (visitor API). Passes are bought through POST /api/orders and
 * admitted at the gates through the device API (docs/devices.md, "Passes").
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const PassesController = () => import('#members/controllers/passes_controller')
const PassAccountController = () => import('#members/controllers/pass_account_controller')

consoleApi(() => {
  router.get('/passes', [PassesController, 'index']).use(can('members:read'))
  router
    .group(() => {
      router.get('/passes/:id', [PassesController, 'show']).use(can('members:read'))
      router.post('/passes/:id/suspend', [PassesController, 'suspend']).use(can('members:write'))
      router.post('/passes/:id/resume', [PassesController, 'resume']).use(can('members:write'))
      router.post('/passes/:id/revoke', [PassesController, 'revoke']).use(can('members:write'))
      router.post('/passes/:id/extend', [PassesController, 'extend']).use(can('members:write'))
    })
    .where('id', router.matchers.number())
})

tenantSurface('visitor', '/api', () => {
  router
    .group(() => {
      router.get('/account/passes', [PassAccountController, 'index'])
      router.post('/account/passes/:id/activate', [PassAccountController, 'activate']).where('id', router.matchers.number())
      router.post('/account/passes/:id/renewals', [PassAccountController, 'renew']).where('id', router.matchers.number())
    })
    .use(middleware.auth({ guards: ['visitor'] }))
})
