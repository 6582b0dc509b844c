/*
 * HTTP server entrypoint (`npm start`; `npm run demo` goes through start/demo.ts). Entrypoints
 * live in start/ rather than AdonisJS's usual bin/ because the repository's top level is fixed.
 */
import { prettyPrintError } from '@adonisjs/core'
import { ignite } from '#core/ignite'

try {
  const { ignitor } = await ignite('server')
  await ignitor.httpServer().start()
} catch (error) {
  process.exitCode = 1
  prettyPrintError(error)
}
