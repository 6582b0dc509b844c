/*
 * The sign-in pages each surface's URL opens (super-admin console, venue console, visitor pages),
 * talking to the JSON APIs. The full Vue front ends replace them as they land.
 */
import { readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'

let template: Promise<string> | undefined

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

async function render(ctx: HttpContext, page: { title: string; subtitle: string; api: string; canRegister?: boolean }) {
  template ??= readFile(app.makePath('resources/pages/sign_in.html'), 'utf8')
  const html = (await template)
    .replaceAll('{{title}}', escapeHtml(page.title))
    .replaceAll('{{subtitle}}', escapeHtml(page.subtitle))
    .replace('{{api}}', JSON.stringify(page.api).replace(/</g, '\\u003c'))
    .replace('{{canRegister}}', String(Boolean(page.canRegister)))
  return ctx.response.header('content-type', 'text/html; charset=utf-8').send(html)
}

export default class PagesController {
  platform(ctx: HttpContext) {
    return render(ctx, { title: 'Tessera 平台管理', subtitle: 'Platform administration', api: '/platform/api' })
  }

  console(ctx: HttpContext) {
    const tenant = ctx.tenant!
    return render(ctx, { title: tenant.name, subtitle: '场馆管理后台 Venue console', api: `${ctx.tenantBasePath}/console/api` })
  }

  visitor(ctx: HttpContext) {
    const tenant = ctx.tenant!
    return render(ctx, { title: tenant.name, subtitle: '游客登录 Visitor sign-in', api: `${ctx.tenantBasePath}/api/account`, canRegister: true })
  }
}
