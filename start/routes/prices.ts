/*
 * The price calendar: price rules and calendar days in the console (catalog permissions), each
 * day's prices of a product on sale for visitors (no sign-in).
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { tenantSurface } from '#start/routes/tenant_surface'

const PriceRulesController = () => import('#catalog/controllers/price_rules_controller')
const CalendarDaysController = () => import('#catalog/controllers/calendar_days_controller')
const PricesController = () => import('#catalog/controllers/prices_controller')

const can = (permission: string) => middleware.can({ permission })
const DATE = { match: /^\d{4}-\d{2}-\d{2}$/ }

tenantSurface('console', '/console/api', () => {
  router
    .group(() => {
      router.get('/products/:productId/price-rules', [PriceRulesController, 'index']).use(can('catalog:read'))
      router.post('/products/:productId/price-rules', [PriceRulesController, 'store']).use(can('catalog:write'))
      router.patch('/price-rules/:id', [PriceRulesController, 'update']).use(can('catalog:write'))
      router.delete('/price-rules/:id', [PriceRulesController, 'destroy']).use(can('catalog:write'))

      router.get('/calendar-days', [CalendarDaysController, 'index']).use(can('catalog:read'))
      router.put('/calendar-days/:date', [CalendarDaysController, 'update']).where('date', DATE).use(can('catalog:write'))
      router.delete('/calendar-days/:date', [CalendarDaysController, 'destroy']).where('date', DATE).use(can('catalog:write'))
    })
    .where('productId', router.matchers.number())
    .where('id', router.matchers.number())
    .use(middleware.auth({ guards: ['staff', 'staff_api'] }))
})

tenantSurface('visitor', '/api', () => {
  router.get('/products/:productId/prices', [PricesController, 'index']).where('productId', router.matchers.number())
})
