/*
 * Every run starts from an empty test database: tenant schemas dropped, public recreated and
 * migrated. Tests then create the tenants they need with unique slugs, so they never depend on
 * each other's rows.
 */
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import authorization from '#identity/authz/authorization_service'

export async function resetDatabase() {
  const schemas = await db.rawQuery("select nspname from pg_namespace where nspname like 'tenant\\_%'")
  for (const { nspname } of schemas.rows) await db.rawQuery(`drop schema "${nspname}" cascade`)
  await db.rawQuery('drop schema public cascade')
  await db.rawQuery('create schema public')
  const migrator = new MigrationRunner(db, app, { direction: 'up' })
  await migrator.run()
  if (migrator.error) throw migrator.error
  await authorization.seedPlatform()
}
