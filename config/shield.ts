import { defineConfig } from '@adonisjs/shield'

/*
 * CSRF protects cookie-authenticated requests (consoles, visitor pages): the front ends read the
 * XSRF-TOKEN cookie and send it back as X-XSRF-TOKEN. A request with no cookie at all, or one
 * authenticated by a bearer token or a signature (API, devices, webhooks), carries no ambient
 * credentials for a forged request to ride on, and is exempt.
 */
export default defineConfig({
  csp: { enabled: false, directives: {}, reportOnly: false },
  csrf: {
    enabled: true,
    exceptRoutes: (ctx) =>
      !ctx.request.header('cookie') || Boolean(ctx.request.header('authorization')) || /^\/(webhooks|device)\//.test(ctx.request.url()),
    enableXsrfCookie: true,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: { enabled: true, action: 'DENY' },
  hsts: { enabled: true, maxAge: '180 days' },
  contentTypeSniffing: { enabled: true },
})
