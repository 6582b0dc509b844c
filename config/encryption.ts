import env from '#start/env'
import { defineConfig, drivers } from '@adonisjs/core/encryption'

/*
 * AES-256-GCM (authenticated) for everything the app encrypts at rest: TOTP secrets now, channel
 * credentials and ID numbers later. Add the new key in front to rotate; old ones keep decrypting.
 */
export default defineConfig({
  default: 'app',
  list: {
    app: drivers.aes256gcm({ id: 'app', keys: [env.get('APP_KEY')] }),
  },
})
