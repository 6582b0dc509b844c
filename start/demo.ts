/*
 * `npm run demo`: the platform with its demo venues. Uses the configured PostgreSQL or starts an
 * embedded one, migrates everything, seeds the demo on an empty database, serves, and prints
 * where everything is.
 */
import { prettyPrintError } from '@adonisjs/core'
import { ignite } from '#core/ignite'

try {
  const started = performance.now()
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
    app.ready(async () => {
      const { printDemoBanner } = await import('#platform/services/demo_banner')
      await printDemoBanner({ embeddedDatabase: database.embedded, databaseMs: database.ms, totalMs: Math.round(performance.now() - started) })
    })
  })
  await ignitor.httpServer().start()
} catch (error) {
  process.exitCode = 1
  prettyPrintError(error)
}
