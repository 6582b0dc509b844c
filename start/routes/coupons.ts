/*
 * Coupons (优惠券): campaigns and their codes for staff (console API). Visitors use a code by
 * sending `couponCode` with their order (POST /api/orders).
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi } from '#start/routes/tenant_surface'

const CouponsController = () => import('#members/controllers/coupons_controller')

consoleApi(() => {
  router.get('/coupons', [CouponsController, 'index']).use(can('members:read'))
  router.post('/coupons', [CouponsController, 'store']).use(can('members:write'))
  router
    .group(() => {
      router.get('/coupons/:id/codes', [CouponsController, 'codes']).use(can('members:read'))
      router.post('/coupons/:id/disable', [CouponsController, 'disable']).use(can('members:write'))
    })
    .where('id', router.matchers.number())
})
