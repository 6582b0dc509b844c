/*
 * Test entrypoint (`npm test`): Japa on a fresh test database (`<name>_test`, embedded or the
 * configured server) and an HTTP server on a free port.
 */
import { createServer } from 'node:net'
import { prettyPrintError } from '@adonisjs/core'
import { configure, processCLIArgs, run } from '@japa/runner'
import { ignite } from '#core/ignite'
import { ensureBrowserRequirements } from '#tests/helpers/browser_requirements'
import { ensureFrontBuild } from '#tests/helpers/front_build'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

try {
  const suites = process.argv.slice(2).filter((arg) => !arg.startsWith('-'))
  if (suites.length === 0 || suites.some((arg) => arg === 'browser' || arg.includes('tests/browser'))) {
    ensureBrowserRequirements()
    ensureFrontBuild()
  }
  process.env.HOST = '127.0.0.1'
  process.env.PORT = String(await freePort())
  // Payment gateways in memory; their retry schedules and refund times a thousand times faster.
  const { startLocalSandbox } = await import('#sandbox/local_sandbox')
  const sandbox = await startLocalSandbox({ timeScale: 0.001 })
  const { ignitor } = await ignite('test')
  await ignitor
    .testRunner()
    .configure(async (app) => {
      const { runnerHooks, ...config } = await import('../tests/bootstrap.js')
      processCLIArgs(process.argv.splice(2))
      configure({
        ...app.rcFile.tests,
        ...config,
        setup: runnerHooks.setup,
        teardown: runnerHooks.teardown.concat([() => app.terminate(), () => sandbox.close()]),
      })
    })
    .run(() => run())
} catch (error) {
  process.exitCode = 1
  prettyPrintError(error)
}
