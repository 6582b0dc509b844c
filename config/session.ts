import app from '@adonisjs/core/services/app'
import { defineConfig, stores } from '@adonisjs/session'

/*
 * Cookie sessions (signed and encrypted): no server state to share between processes. The
 * session only carries who is logged in at which tenant and their session epoch, so "log out
 * everywhere" works by bumping the epoch (app/identity/auth/).
 */
export default defineConfig({
  enabled: true,
  cookieName: 'tessera-session',
  clearWithBrowser: false,
  age: '12h',
  cookie: { path: '/', httpOnly: true, secure: app.inProduction, sameSite: 'lax' },
  store: 'cookie',
  stores: { cookie: stores.cookie() },
})
