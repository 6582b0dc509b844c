/*
 * The pages each surface's URL opens, talking to the JSON APIs: the Vue single-page apps Vite
 * builds (docs/front_end.md), each filled with its venue's context, and the files they load.
 */
import type { HttpContext } from '@adonisjs/core/http'
import { notFound } from '#core/app_error'
import { builtAsset, renderShell, type FrontSurface, type ShellContext } from '#core/front_build'
import VenueProfile from '#catalog/services/venue_profile'

/** A surface's built page for the request's venue, talking to the API under `apiPath`. */
async function sendShell(ctx: HttpContext, surface: FrontSurface, title: string, apiPath: string, more: Partial<ShellContext> = {}) {
  const tenant = ctx.tenant!
  const html = await renderShell(surface, { title, venueName: tenant.name, tenantSlug: tenant.slug, api: `${ctx.tenantBasePath}${apiPath}`, ...more })
  // The shell names this build's files: always ask again, so a deploy shows at the next load.
  return ctx.response.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html)
}

/** Hashed file names change with their content: a browser may keep each for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

export default class PagesController {
  /**
   * The platform super-admin console (平台管理), at /platform and each of its screens' addresses
   * (/platform/..., client-side routes) on the platform's host. Under /platform/api nothing is a page.
   */
  async platform(ctx: HttpContext) {
    if (ctx.params['*']?.[0] === 'api') throw notFound('No such platform API endpoint')
    const html = await renderShell('platform', { title: 'Tessera 平台管理', venueName: 'Tessera', tenantSlug: '', api: '/platform/api' })
    return ctx.response.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html)
  }

  /**
   * The venue console (场馆管理后台), at /console and each of its screens' addresses (/console/...,
   * client-side routes; never /console/api, see start/routes/visitor.ts).
   */
  console(ctx: HttpContext) {
    return sendShell(ctx, 'console', `${ctx.tenant!.name} · 管理后台`, '/console/api')
  }

  /**
   * The visitor H5 (游客端) at the venue's root and each of its pages' addresses (client-side
   * routes: /buy/…, /pay/…, /my/…, /login). Its branding and what GET /api/venue answers are in
   * the shell, so the first paint carries the venue's name and colour and the home page waits
   * for one API call (the products), not two.
   */
  async visitor(ctx: HttpContext) {
    const venue = await VenueProfile.for(ctx.tenant!).visitorView(ctx.tenantBasePath!)
    return sendShell(ctx, 'visitor', venue.venue.name, '/api', { venueName: venue.venue.name, themeColor: venue.venue.themeColor, venue })
  }

  /**
   * UnionPay's front payment comes back by posting a form to the page it was given: show that page
   * (for a change's difference too). Nothing in the form is read or trusted: the page asks the API.
   */
  visitorReturn(ctx: HttpContext) {
    const change = /^\d{1,12}$/.test(String(ctx.request.qs().change ?? '')) ? `change=${ctx.request.qs().change}&` : ''
    return ctx.response.redirect().status(303).toPath(`${ctx.tenantBasePath}/pay/${encodeURIComponent(ctx.params.number)}?${change}returned=1`)
  }

  /** The check-in scanner for staff phones (核销). */
  scanner(ctx: HttpContext) {
    return sendShell(ctx, 'scanner', `核销 Scanner · ${ctx.tenant!.name}`, '/console/api')
  }

  /** /build/assets/<hashed name>: the scripts, styles and images the built apps load. */
  async asset({ params, response }: HttpContext) {
    const file = await builtAsset(params.file)
    if (!file) throw notFound('No such file in the front-end build')
    return response.header('cache-control', IMMUTABLE).download(file)
  }
}
