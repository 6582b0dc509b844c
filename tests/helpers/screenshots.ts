import { mkdir } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import type { Page } from 'playwright'

/** Saves what the page shows to tmp/screenshots/<name>.png (git-ignored) for a person to look at. */
export async function screenshot(page: Page, name: string) {
  const dir = app.makePath('tmp/screenshots')
  await mkdir(dir, { recursive: true })
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true })
}
