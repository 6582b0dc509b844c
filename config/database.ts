import env from '#start/env'
import pg from 'pg'
import { defineConfig } from '@adonisjs/lucid'

/*
 * bigint columns (ids, counts, amounts in fen) come back as numbers: they stay far below 2^53,
 * and the models and the API promise numbers.
 */
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10))

/*
 * One pool for the platform and every tenant. Its search_path is `public` only: a tenant table
 * (which exists only in a tenant_<id> schema) cannot be reached without a tenant unit of work,
 * which sets the search_path of its own transaction (app/tenancy/services/tenant_database.ts).
 */
const dbConfig = defineConfig({
  connection: 'postgres',
  prettyPrintDebugQueries: false,
  connections: {
    postgres: {
      client: 'pg',
      connection: env.get('DATABASE_URL') ? { connectionString: env.get('DATABASE_URL') } : {},
      searchPath: ['public'],
      pool: { min: 0, max: env.get('DB_POOL_MAX', 10) },
      migrations: { naturalSort: true, paths: ['database/migrations'] },
      /* Models declare their columns themselves; tenant tables are not in public to scan. */
      schemaGeneration: { enabled: false },
    },
  },
})

export default dbConfig
