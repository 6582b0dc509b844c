/*
 * Statistics, exports (reports:read) and settlement (finance:read, finance:write) at the venue
 * console. Shapes and definitions: docs/reports.md.
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi } from '#start/routes/tenant_surface'

const StatisticsController = () => import('#reports/controllers/statistics_controller')
const ExportsController = () => import('#reports/controllers/exports_controller')
const SettlementsController = () => import('#reports/controllers/settlements_controller')

const DAY = /^\d{4}-\d{2}-\d{2}$/
const CHANNEL = /^(wechat_pay|alipay|unionpay)$/

consoleApi(() => {
  router.get('/reports/statistics', [StatisticsController, 'show']).use(can('reports:read'))
  router.get('/reports/exports/:dataset', [ExportsController, 'download']).where('dataset', /^(orders|tickets|checkins|refunds)$/).use(can('reports:read'))

  router.get('/finance/settlements', [SettlementsController, 'index']).use(can('finance:read'))
  router
    .group(() => {
      router.get('/finance/settlements/:channel/:date', [SettlementsController, 'show']).use(can('finance:read'))
      router.post('/finance/settlements/:channel/:date/fetch', [SettlementsController, 'fetch']).use(can('finance:write'))
      router.post('/finance/settlements/:channel/:date/confirm', [SettlementsController, 'confirm']).use(can('finance:write'))
    })
    .where('channel', CHANNEL)
    .where('date', DAY)
})
