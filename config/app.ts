import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'

export const appKey = env.get('APP_KEY')

export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: false,
  /* Lets services reach the current HttpContext (request id, ip) without threading it through. */
  useAsyncLocalStorage: true,
  /* The app runs behind one reverse proxy in production; trust its X-Forwarded-For. */
  trustProxy: (address) => address === '127.0.0.1' || address === '::1',
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
