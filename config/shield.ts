import { defineConfig } from '@adonisjs/shield'

/*
 * CSRF protects cookie-authenticated requests (consoles, visitor pages): the front ends read the
 * XSRF-TOKEN cookie and send it back as X-XSRF-TOKEN. Requests authenticated by a bearer token or a
 * signature (API, devices, webhooks) carry no ambient credentials and are exempt.
 */
export default defineConfig({
  csp: { enabled: false, directives: {}, reportOnly: false },
  csrf: {
    enabled: true,
    exceptRoutes: (ctx) => Boolean(ctx.request.header('authorization')) || /^\/(webhooks|device)\//.test(ctx.request.url()),
    enableXsrfCookie: true,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: { enabled: true, action: 'DENY' },
  hsts: { enabled: true, maxAge: '180 days' },
  contentTypeSniffing: { enabled: true },
})
