/*
 * Ace entrypoint, imported by the top-level `ace` file.
 */
import { prettyPrintError } from '@adonisjs/core'
import { ignite } from '#core/ignite'

try {
  const { ignitor } = await ignite('console')
  await ignitor.ace().handle(process.argv.splice(2))
} catch (error) {
  process.exitCode = 1
  prettyPrintError(error)
}
