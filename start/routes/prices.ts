/*
 * The price calendar: price rules and calendar days in the console (catalog permissions), each
 * day's prices of a product on sale for visitors (no sign-in).
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const PriceRulesController = () => import('#catalog/controllers/price_rules_controller')
const CalendarDaysController = () => import('#catalog/controllers/calendar_days_controller')
const PricesController = () => import('#catalog/controllers/prices_controller')

const DATE = { match: /^\d{4}-\d{2}-\d{2}$/ }
const id = router.matchers.number()

consoleApi(() => {
  router.get('/products/:productId/price-rules', [PriceRulesController, 'index']).where('productId', id).use(can('catalog:read'))
  router.post('/products/:productId/price-rules', [PriceRulesController, 'store']).where('productId', id).use(can('catalog:write'))
  router.patch('/price-rules/:id', [PriceRulesController, 'update']).where('id', id).use(can('catalog:write'))
  router.delete('/price-rules/:id', [PriceRulesController, 'destroy']).where('id', id).use(can('catalog:write'))

  router.get('/calendar-days', [CalendarDaysController, 'index']).use(can('catalog:read'))
  router.put('/calendar-days/:date', [CalendarDaysController, 'update']).where('date', DATE).use(can('catalog:write'))
  router.delete('/calendar-days/:date', [CalendarDaysController, 'destroy']).where('date', DATE).use(can('catalog:write'))
  // The calendar staff see while setting prices: a draft product's too.
  router.get('/products/:productId/prices', [PricesController, 'staffIndex']).where('productId', id).use(can('catalog:read'))
})

tenantSurface('visitor', '/api', () => {
  router.get('/products/:productId/prices', [PricesController, 'index']).where('productId', id)
})
