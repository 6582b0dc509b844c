/*
 * A fresh clone has no .env: write one with a newly generated APP_KEY so that the quick start
 * needs no manual step. Existing files are never touched.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export function ensureLocalEnvFile(appRoot: URL, nodeEnv: 'development' | 'test') {
  const file = fileURLToPath(new URL(nodeEnv === 'test' ? '.env.test' : '.env', appRoot))
  if (existsSync(file)) return
  const lines =
    nodeEnv === 'test'
      ? ['NODE_ENV=test', 'PORT=3333', 'LOG_LEVEL=error', `APP_KEY=${randomBytes(32).toString('base64url')}`]
      : [
          'NODE_ENV=development',
          'HOST=127.0.0.1',
          'PORT=3333',
          'LOG_LEVEL=info',
          `APP_KEY=${randomBytes(32).toString('base64url')}`,
          'BASE_HOST=localhost',
        ]
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 })
}
