/*
 * `npm run demo`: the platform with its demo venues. Uses the configured PostgreSQL or starts an
 * embedded one, migrates everything, seeds the demo on an empty database, serves, and prints
 * where everything is.
 */
import { prettyPrintError } from '@adonisjs/core'
import { APP_ROOT, ignite } from '#core/ignite'
import { sandboxDataDir, startLocalSandbox } from '#sandbox/local_sandbox'

try {
  const started = performance.now()
  // The payment gateways' stand-in, before the app reads SANDBOX_URL.
  const sandbox = await startLocalSandbox({ dataDir: sandboxDataDir(APP_ROOT), port: Number(process.env.SANDBOX_PORT ?? 3334) })
  const { ignitor, database } = await ignite('server')
  ignitor.tap((app) => {
    app.starting(async () => {
      const { migrateEverything } = await import('#platform/services/migrations')
      await migrateEverything()
      const { default: Tenant } = await import('#tenancy/models/tenant')
      if (!(await Tenant.query().first())) {
        const { seedDemo } = await import('#platform/services/demo_venues')
        await seedDemo()
      }
    })
    app.terminating(() => sandbox.close())
    app.ready(async () => {
      const { printDemoBanner } = await import('#platform/services/demo_banner')
      await printDemoBanner({ embeddedDatabase: database.embedded, databaseMs: database.ms, totalMs: Math.round(performance.now() - started), sandboxUrl: sandbox.url })
    })
  })
  await ignitor.httpServer().start()
} catch (error) {
  process.exitCode = 1
  prettyPrintError(error)
}
