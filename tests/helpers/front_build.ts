/*
 * The browser suite drives the built front ends (public/build). Before it, `npm test` builds them
 * when the build is missing or older than anything it is made from: a clean clone (CI) builds
 * once, an unchanged tree not at all.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
/** Written last by a build: its time is the build's. */
const MANIFEST = 'public/build/.vite/manifest.json'
const SOURCES = ['resources', 'vite.config.ts', 'package-lock.json']

/** The latest modification time of a file, or of anything in a folder (0 when missing). */
function newest(path: string): number {
  const stats = statSync(path, { throwIfNoEntry: false })
  if (!stats) return 0
  if (!stats.isDirectory()) return stats.mtimeMs
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newest(`${path}/${name}`)))
}

export function ensureFrontBuild() {
  const built = newest(`${root}${MANIFEST}`)
  if (built > 0 && built >= Math.max(...SOURCES.map((source) => newest(`${root}${source}`)))) return
  console.log('Building the front ends (vite build)…')
  const vite = spawnSync(process.execPath, [`${root}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  if (vite.status !== 0) throw new Error(`The front-end build failed (vite build exited with ${vite.status ?? vite.signal})`)
}
