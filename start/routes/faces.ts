/*
 * Face check-in (docs/devices.md, "Face gates"): visitors enroll and withdraw a ticket holder's
 * face on their order, face gates sync faces, staff read the consent records (never photos).
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const FacesController = () => import('#checkin/controllers/faces_controller')

tenantSurface('visitor', '/api', () => {
  router
    .group(() => {
      router.get('/orders/:number/tickets/:ticketId/face', [FacesController, 'show'])
      router.post('/orders/:number/tickets/:ticketId/face', [FacesController, 'store'])
      router.delete('/orders/:number/tickets/:ticketId/face', [FacesController, 'destroy'])
    })
    .where('ticketId', router.matchers.number())
})

tenantSurface('device', '/device/api', () => {
  router.get('/faces', [FacesController, 'sync']).use(middleware.device())
})

consoleApi(() => {
  router.get('/face-enrollments', [FacesController, 'index']).use(can('checkin:read'))
})
