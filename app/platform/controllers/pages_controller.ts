/*
 * The pages each surface's URL opens, talking to the JSON APIs: the Vue single-page apps Vite
 * builds (docs/front_end.md), each filled with its venue's context, and the files they load; and
 * the plain sign-in pages of the surfaces whose app has not landed yet.
 */
import { readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import { notFound } from '#core/app_error'
import { builtAsset, renderShell, scriptJson } from '#core/front_build'
import { escapeHtml } from '#core/html'

let signInTemplate: Promise<string> | undefined

async function renderSignIn(ctx: HttpContext, page: { title: string; subtitle: string; api: string; canRegister?: boolean }) {
  signInTemplate ??= readFile(app.makePath('resources/pages/sign_in.html'), 'utf8')
  const html = (await signInTemplate)
    .replaceAll('{{title}}', () => escapeHtml(page.title))
    .replaceAll('{{subtitle}}', () => escapeHtml(page.subtitle))
    .replace('{{api}}', () => scriptJson(page.api))
    .replace('{{canRegister}}', String(Boolean(page.canRegister)))
  return ctx.response.header('content-type', 'text/html; charset=utf-8').send(html)
}

/** Hashed file names change with their content: a browser may keep each for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

export default class PagesController {
  platform(ctx: HttpContext) {
    return renderSignIn(ctx, { title: 'Tessera 平台管理', subtitle: 'Platform administration', api: '/platform/api' })
  }

  console(ctx: HttpContext) {
    const tenant = ctx.tenant!
    return renderSignIn(ctx, { title: tenant.name, subtitle: '场馆管理后台 Venue console', api: `${ctx.tenantBasePath}/console/api` })
  }

  visitor(ctx: HttpContext) {
    const tenant = ctx.tenant!
    return renderSignIn(ctx, { title: tenant.name, subtitle: '游客登录 Visitor sign-in', api: `${ctx.tenantBasePath}/api/account`, canRegister: true })
  }

  /** The check-in scanner for staff phones (核销). */
  async scanner(ctx: HttpContext) {
    const tenant = ctx.tenant!
    const html = await renderShell('scanner', {
      title: `核销 Scanner · ${tenant.name}`,
      venueName: tenant.name,
      tenantSlug: tenant.slug,
      api: `${ctx.tenantBasePath}/console/api`,
    })
    // The shell names this build's files: always ask again, so a deploy shows at the next load.
    return ctx.response.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html)
  }

  /** /build/assets/<hashed name>: the scripts, styles and images the built apps load. */
  async asset({ params, response }: HttpContext) {
    const file = await builtAsset(params.file)
    if (!file) throw notFound('No such file in the front-end build')
    return response.header('cache-control', IMMUTABLE).download(file)
  }
}
