/*
 * Distributors and OTAs (分销): the distributor API, signed per request with the distributor's key
 * (docs/distributors.md), and their management at the console: authorisation, settlement prices,
 * keys, deposits (finance), statements and the check-in callbacks' delivery log.
 */
import router from '@adonisjs/core/services/router'
import distributorAuth from '#members/middleware/distributor_auth_middleware'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const DistributorApiController = () => import('#members/controllers/distributor_api_controller')
const DistributorsController = () => import('#members/controllers/distributors_controller')

tenantSurface('distributor', '/distributor/api/v1', () => {
  router
    .group(() => {
      router.get('/account', [DistributorApiController, 'account'])
      router.get('/products', [DistributorApiController, 'products'])
      router.get('/products/:id/sessions', [DistributorApiController, 'sessions']).where('id', router.matchers.number())
      router.post('/orders', [DistributorApiController, 'placeOrder'])
      router.get('/orders/:orderNo', [DistributorApiController, 'order'])
      router.post('/orders/:orderNo/refunds', [DistributorApiController, 'refund'])
    })
    .use(distributorAuth)
})

consoleApi(() => {
  router.get('/distributors', [DistributorsController, 'index']).use(can('members:read'))
  router.post('/distributors', [DistributorsController, 'store']).use(can('members:write'))
  router
    .group(() => {
      router.get('/distributors/:id', [DistributorsController, 'show']).use(can('members:read'))
      router.patch('/distributors/:id', [DistributorsController, 'update']).use(can('members:write'))
      router.post('/distributors/:id/rotate-key', [DistributorsController, 'rotateKey']).use(can('members:write'))
      router.put('/distributors/:id/products/:productId', [DistributorsController, 'authorise']).where('productId', router.matchers.number()).use(can('members:write'))
      router.delete('/distributors/:id/products/:productId', [DistributorsController, 'revoke']).where('productId', router.matchers.number()).use(can('members:write'))
      router.get('/distributors/:id/callbacks', [DistributorsController, 'callbacks']).use(can('members:read'))
      // The deposit is money: finance tops it up and reads the statements (对账单).
      router.post('/distributors/:id/deposit', [DistributorsController, 'moveDeposit']).use(can('finance:write'))
      router.get('/distributors/:id/statement', [DistributorsController, 'statement']).use(can('finance:read'))
    })
    .where('id', router.matchers.number())
})
