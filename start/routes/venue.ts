/*
 * The venue's face (docs/venue_profile.md): profile, banners, images and custom domains in the
 * console (venue:*); its branding, products and image files for visitors (no sign-in).
 */
import router from '@adonisjs/core/services/router'
import { can, consoleApi, tenantSurface } from '#start/routes/tenant_surface'

const VenueProfilesController = () => import('#catalog/controllers/venue_profiles_controller')
const VenueImagesController = () => import('#catalog/controllers/venue_images_controller')
const VenueDomainsController = () => import('#catalog/controllers/venue_domains_controller')
const VenueProductsController = () => import('#catalog/controllers/venue_products_controller')

const id = router.matchers.number()

consoleApi(() => {
  router.get('/venue-profile', [VenueProfilesController, 'show']).use(can('venue:read'))
  router.put('/venue-profile', [VenueProfilesController, 'update']).use(can('venue:write'))
  router.put('/venue-banners', [VenueProfilesController, 'replaceBanners']).use(can('venue:write'))

  router.get('/venue-images', [VenueImagesController, 'index']).use(can('venue:read'))
  router.post('/venue-images', [VenueImagesController, 'store']).use(can('venue:write'))
  router.delete('/venue-images/:id', [VenueImagesController, 'destroy']).where('id', id).use(can('venue:write'))

  router.get('/domains', [VenueDomainsController, 'index']).use(can('venue:read'))
  router.post('/domains', [VenueDomainsController, 'store']).use(can('venue:write'))
  router.delete('/domains/:id', [VenueDomainsController, 'destroy']).where('id', id).use(can('venue:write'))
})

tenantSurface('visitor', '/api', () => {
  router.get('/venue', [VenueProfilesController, 'visitor'])
  router.get('/products', [VenueProductsController, 'index'])
  router.get('/products/:id', [VenueProductsController, 'show']).where('id', id)
})

/* Uploaded images, cacheable by anyone: a machine path, so no session or cookie (stateful_middleware). */
tenantSurface('visitor', '/media', () => {
  router.get('/:file', [VenueImagesController, 'file'])
})
