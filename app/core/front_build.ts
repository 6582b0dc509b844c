/*
 * The browser front ends as Vite builds them (vite.config.ts, docs/front_end.md): each surface's
 * page shell at public/build/<surface>/index.html, the hashed files they load under
 * public/build/assets/. PagesController fills a shell with the venue's context and serves it.
 */
import { readFile, stat } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import { AppError } from '#core/app_error'
import { escapeHtml } from '#core/html'

/** The surfaces resources/ builds (a folder with an index.html each). */
export type FrontSurface = 'scanner' | 'console' | 'platform' | 'visitor'

/** What a shell's {{context}} placeholder receives (resources/shared/context.ts reads it). */
export interface ShellContext {
  title: string
  venueName: string
  tenantSlug: string
  api: string
  /** The visitor H5's first paint: the venue's colour, and its branding so the home page needs no round trip for it. */
  themeColor?: string | null
  venue?: unknown
}

/** Hashed names Vite gives the files it emits (scanner-DcUHckPV.css): one folder deep, nothing else. */
const ASSET_NAME = /^[\w-]+\.[a-z0-9]+$/i

const shells = new Map<FrontSurface, Promise<string>>()


/** JSON inside <script>: no "</script>" or "<!--" can end or bend the element. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

async function readShell(surface: FrontSurface) {
  try {
    return await readFile(app.makePath('public/build', surface, 'index.html'), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    throw new AppError(`The ${surface} front end is not built yet: run "npm run build:front"`, { status: 503, code: 'E_FRONT_END_NOT_BUILT' })
  }
}

/**
 * A surface's page with its context filled in. Production reads each shell once; elsewhere every
 * request reads it again, so a watching build (`npm run dev:front`) shows at the next reload.
 */
export async function renderShell(surface: FrontSurface, context: ShellContext): Promise<string> {
  let shell = shells.get(surface)
  if (!shell) {
    shell = readShell(surface)
    if (app.inProduction) {
      shells.set(surface, shell)
      shell.catch(() => shells.delete(surface))
    }
  }
  // Replacer functions: a venue named "$&" stays "$&".
  return (await shell).replace('{{title}}', () => escapeHtml(context.title)).replace('{{context}}', () => scriptJson(context))
}

/** The file behind /build/assets/<name>, or null when the build has no such file. */
export async function builtAsset(name: string): Promise<string | null> {
  if (!ASSET_NAME.test(name)) return null
  const path = app.makePath('public/build/assets', name)
  const found = await stat(path).catch(() => null)
  return found?.isFile() ? path : null
}
