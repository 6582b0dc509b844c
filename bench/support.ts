/*
 * What every benchmark needs: a fresh database of its own on the real PostgreSQL (the configured
 * server, or the embedded one), migrated, the app running in a child process, and a venue created
 * by sign-up. Its name follows DATABASE_URL's as the test runner's does (`<name>_bench`, so
 * `tessera_bench` by default): benches run by people sharing a server keep out of each other's way,
 * and the configured database itself is never touched.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import pg from 'pg'
import { APP_ROOT } from '#core/ignite'
import { ensureDatabaseServer } from '#core/database_server'

export const POOL = 10
const cwd = new URL('.', APP_ROOT).pathname

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function run(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))))
  })
}

export interface BenchApp {
  base: string
  databaseUrl: string
  embedded: boolean
  db: pg.Client
  /** Creates a venue through POST /signup; returns its schema and a query helper on it. */
  venue(slug: string): Promise<{ schema: string; one: (sql: string, params?: unknown[]) => Promise<any> }>
  stop(): Promise<void>
}

export async function startBenchApp(): Promise<BenchApp> {
  const cluster = await ensureDatabaseServer(APP_ROOT, 'tessera')
  const configured = new URL(process.env.DATABASE_URL ?? `postgres://${process.env.PGUSER ?? 'postgres'}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? 5432}/${process.env.PGDATABASE ?? 'tessera'}`)
  const name = `${decodeURIComponent(configured.pathname.slice(1)) || 'tessera'}_bench`
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Cannot name the bench's database after ${configured.pathname}: ${name}`)
  const at = (database: string) => Object.assign(new URL(configured), { pathname: `/${database}` }).toString()
  const admin = new pg.Client({ connectionString: at('postgres') })
  await admin.connect()
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.query(`create database ${name}`)
  await admin.end()
  const databaseUrl = at(name)

  await run(['ace', 'migration:run', '--force'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' })
  const port = await freePort()
  const child = spawn(process.execPath, ['--import=@poppinss/ts-exec', 'start/server.ts'], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', APP_KEY: 'bench-key-bench-key-bench-key-32', DB_POOL_MAX: String(POOL) },
    // The app's own log would drown the figures; failures show up in the status counts.
    stdio: 'ignore',
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).status) break
    } catch {}
    if (i > 100) throw new Error('The app did not start')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()

  return {
    base,
    databaseUrl,
    embedded: cluster.embedded,
    db,
    async venue(slug) {
      const response = await fetch(`${base}/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept': 'application/json' },
        body: JSON.stringify({ venueName: `Bench ${slug}`, venueType: 'scenic', slug, contactName: 'Bench', contactPhone: '13800138000', email: `bench@${slug}.test`, password: 'Bench-pass-12345' }),
      })
      if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`)
      const schema = `tenant_${((await response.json()) as { tenant: { id: number } }).tenant.id}`
      const one = async (sql: string, params: unknown[] = []) => (await db.query(sql.replaceAll('$s.', `"${schema}".`), params)).rows[0]
      return { schema, one }
    },
    async stop() {
      await db.end()
      child.kill('SIGTERM')
      await cluster.stop()
    },
  }
}
