/*
 * Venue console catalog: sites and zones, products, sessions (catalog:*) and their quotas
 * (inventory:*), for staff sessions and API tokens. Each route names the permission it needs.
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi } from '#start/routes/tenant_surface'

const SitesController = () => import('#catalog/controllers/sites_controller')
const ZonesController = () => import('#catalog/controllers/zones_controller')
const ProductsController = () => import('#catalog/controllers/products_controller')
const SessionsController = () => import('#catalog/controllers/sessions_controller')
const QuotasController = () => import('#inventory/controllers/quotas_controller')

const id = router.matchers.number()

consoleApi(() => {
  router.get('/sites', [SitesController, 'index']).use(can('catalog:read'))
  router.post('/sites', [SitesController, 'store']).use(can('catalog:write'))
  router.patch('/sites/:id', [SitesController, 'update']).where('id', id).use(can('catalog:write'))

  router.get('/sites/:siteId/zones', [ZonesController, 'index']).where('siteId', id).use(can('catalog:read'))
  router.post('/sites/:siteId/zones', [ZonesController, 'store']).where('siteId', id).use(can('catalog:write'))
  router.patch('/zones/:id', [ZonesController, 'update']).where('id', id).use(can('catalog:write'))

  router.get('/products', [ProductsController, 'index']).use(can('catalog:read'))
  router.get('/products/:id', [ProductsController, 'show']).where('id', id).use(can('catalog:read'))
  router.post('/products', [ProductsController, 'store']).use(can('catalog:write'))
  router.patch('/products/:id', [ProductsController, 'update']).where('id', id).use(can('catalog:write'))

  router.get('/sessions', [SessionsController, 'index']).use(can('catalog:read'))
  router.post('/sessions', [SessionsController, 'store']).use(can('catalog:write'))
  router.post('/sessions/generate', [SessionsController, 'generate']).use(can('catalog:write'))
  router.post('/sessions/close-day', [SessionsController, 'closeDay']).use(can('catalog:write'))
  router.patch('/sessions/:id', [SessionsController, 'update']).where('id', id).use(can('catalog:write'))

  router.get('/sessions/:id/quotas', [QuotasController, 'index']).where('id', id).use(can('inventory:read'))
  router.post('/sessions/:id/quotas', [QuotasController, 'store']).where('id', id).use(can('inventory:write'))
  router.patch('/quotas/:id', [QuotasController, 'update']).where('id', id).use(can('inventory:write'))
})
