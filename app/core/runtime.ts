/*
 * Runs before the AdonisJS application boots, in every entrypoint (server, ace, tests, demo):
 * loads the env files, and makes sure a PostgreSQL server and the application's database exist.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { ensureLocalEnvFile } from './local_env.js'
import { ensureDatabaseServer } from './database_server.js'

export type RuntimeKind = 'server' | 'console' | 'test'

export async function prepareRuntime(appRoot: URL, kind: RuntimeKind) {
  // The venues' clock; the Alipay SDK also stamps its requests in the process time zone.
  process.env.TZ = 'Asia/Shanghai'
  const nodeEnv = kind === 'test' ? 'test' : (process.env.NODE_ENV as 'development') || 'development'
  if (kind === 'test') process.env.NODE_ENV = 'test'
  if (nodeEnv === 'test' || nodeEnv === 'development') ensureLocalEnvFile(appRoot, nodeEnv)

  // Earlier files win: process.loadEnvFile never overrides what is already set.
  for (const name of nodeEnv === 'test' ? ['.env.test', '.env'] : ['.env']) {
    const file = fileURLToPath(new URL(name, appRoot))
    if (existsSync(file)) process.loadEnvFile(file)
  }

  const baseName = process.env.DB_DATABASE || 'tessera'
  const database = nodeEnv === 'test' ? `${baseName}_test` : baseName
  const server = await ensureDatabaseServer(appRoot, database)

  if (nodeEnv === 'test') process.env.DATABASE_URL = testDatabaseUrl()
  await ensureDatabaseExists(process.env.DATABASE_URL)
  return server
}

/** Tests never run against the development database: they use `<name>_test` on the same server. */
function testDatabaseUrl(): string | undefined {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL
  if (!process.env.DATABASE_URL) {
    process.env.PGDATABASE = `${process.env.PGDATABASE || 'tessera'}_test`
    return undefined
  }
  const url = new URL(process.env.DATABASE_URL)
  const name = url.pathname.replace(/^\//, '') || 'tessera'
  if (!name.endsWith('_test')) url.pathname = `/${name}_test`
  return url.toString()
}

async function ensureDatabaseExists(connectionString: string | undefined) {
  const target = connectionString ? new URL(connectionString).pathname.slice(1) : process.env.PGDATABASE
  if (!target) return
  const admin = new pg.Client(
    connectionString ? { connectionString: withDatabase(connectionString, 'postgres') } : { database: 'postgres' }
  )
  await admin.connect()
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [target])
    if (found.rowCount === 0) {
      await admin.query(`create database "${target.replace(/"/g, '""')}"`).catch((error) => {
        // Another process created it at the same moment.
        if (error.code !== '42P04') throw error
      })
    }
  } finally {
    await admin.end()
  }
}

function withDatabase(connectionString: string, database: string) {
  const url = new URL(connectionString)
  url.pathname = `/${database}`
  return url.toString()
}
