/*
 * Coupons (优惠券) and vouchers: campaigns and their codes for staff (console API). Visitors use a
 * code by sending `couponCode` with their order (POST /api/orders), and see what a voucher code
 * opens at GET /api/vouchers/:code.
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const CouponsController = () => import('#members/controllers/coupons_controller')

consoleApi(() => {
  router.get('/coupons', [CouponsController, 'index']).use(can('members:read'))
  router.post('/coupons', [CouponsController, 'store']).use(can('members:write'))
  router
    .group(() => {
      router.put('/coupons/:id', [CouponsController, 'update']).use(can('members:write'))
      router.get('/coupons/:id/codes', [CouponsController, 'codes']).use(can('members:read'))
      router.post('/coupons/:id/codes', [CouponsController, 'addCodes']).use(can('members:write'))
      router.post('/coupons/:id/disable', [CouponsController, 'disable']).use(can('members:write'))
    })
    .where('id', router.matchers.number())
})

tenantSurface('visitor', '/api', () => {
  router.get('/vouchers/:code', [CouponsController, 'voucher'])
})
