/*
 * Members (会员): tiers, points settings and memberships for staff (console API); the member card
 * and joining a free tier for signed-in visitors (visitor API). Rules: docs/members.md.
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const MembersController = () => import('#members/controllers/members_controller')
const MembershipController = () => import('#members/controllers/membership_controller')

consoleApi(() => {
  router.get('/member-tiers', [MembersController, 'tiers']).use(can('members:read'))
  router.post('/member-tiers', [MembersController, 'createTier']).use(can('members:write'))
  router
    .group(() => {
      router.put('/member-tiers/:id', [MembersController, 'updateTier']).use(can('members:write'))
      router.delete('/member-tiers/:id', [MembersController, 'deleteTier']).use(can('members:write'))
    })
    .where('id', router.matchers.number())
  router.get('/member-settings', [MembersController, 'settings']).use(can('members:read'))
  router.put('/member-settings', [MembersController, 'updateSettings']).use(can('members:write'))

  router.get('/members', [MembersController, 'index']).use(can('members:read'))
  router.post('/members', [MembersController, 'grant']).use(can('members:write'))
  router
    .group(() => {
      router.get('/members/:id', [MembersController, 'show']).use(can('members:read'))
      router.post('/members/:id/extend', [MembersController, 'extend']).use(can('members:write'))
      router.post('/members/:id/cancel', [MembersController, 'cancel']).use(can('members:write'))
      router.post('/members/:id/points', [MembersController, 'adjustPoints']).use(can('members:write'))
    })
    .where('id', router.matchers.number())
})

// The signed-in visitor's own membership (the controller asks who is signed in).
tenantSurface('visitor', '/api', () => {
  router.get('/membership', [MembershipController, 'show'])
  router.post('/membership', [MembershipController, 'join'])
})
