/*
 * One way to boot the application for every entrypoint (server, ace, tests, demo): prepare the
 * runtime (env files, database server), then hand back an AdonisJS Ignitor.
 */
import 'reflect-metadata'
import { Ignitor } from '@adonisjs/core'
import { prepareRuntime, type RuntimeKind } from './runtime.js'

export const APP_ROOT = new URL('../../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

export async function ignite(kind: RuntimeKind) {
  const database = await prepareRuntime(APP_ROOT, kind)
  const ignitor = new Ignitor(APP_ROOT, { importer: IMPORTER }).tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    // The embedded cluster is a child process: left running, it would keep this process alive.
    app.terminating(() => database.stop())
    // A server stops once terminated; a test run would go on against a closed database, so it exits.
    app.listen('SIGTERM', async () => {
      await app.terminate()
      if (kind === 'test') process.exit(143)
    })
    app.listenIf(kind === 'server' || app.managedByPm2, 'SIGINT', () => app.terminate())
  })
  return { ignitor, database }
}
