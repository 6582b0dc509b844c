import { defineConfig } from '@adonisjs/cors'

/* The consoles and visitor pages are served from the same host as their API: no cross-origin calls. */
export default defineConfig({
  enabled: true,
  origin: false,
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  headers: true,
  exposeHeaders: [],
  credentials: true,
  maxAge: 90,
})
