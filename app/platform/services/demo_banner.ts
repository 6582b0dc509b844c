import Tenant from '#tenancy/models/tenant'
import Product from '#catalog/models/product'
import { runInTenant } from '#tenancy/services/tenant_database'
import { platformUrl, venueUrls } from '#tenancy/services/venue_urls'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '#platform/services/demo_venues'

/** What a newcomer needs after `npm run demo`: every URL and every demo login. */
export async function printDemoBanner(timing: { embeddedDatabase: boolean; databaseMs: number; totalMs: number; sandboxUrl?: string }) {
  const venues = await Tenant.query().orderBy('id')
  const lines = [
    '',
    `Tessera is running at ${platformUrl()}  (ready in ${timing.totalMs} ms; ${timing.embeddedDatabase ? `embedded PostgreSQL, started in ${timing.databaseMs} ms` : 'configured PostgreSQL'})`,
    '',
    `Super-admin console  ${platformUrl()}/platform/`,
    `  superadmin@tessera.demo / ${DEMO_PASSWORD}   support@tessera.demo / ${DEMO_PASSWORD}`,
    `  two-factor code: add secret ${DEMO_TOTP_SECRET} to an authenticator app (TOTP, 30 s)`,
    '',
  ]
  for (const venue of venues) {
    const urls = venueUrls(venue)
    lines.push(`${venue.name} [${venue.venueType}, ${venue.status}]`)
    lines.push(`  visitor pages  ${urls.visitor}`)
    lines.push(`  console        ${urls.console}`)
    lines.push(`  gate scanner   ${urls.visitor}scanner/  (staff phones: sign in as gate@${venue.slug}.demo)`)
    lines.push(`  on sale        ${await onSale(venue)}`)
    const codes = await sharedCodes(venue)
    if (codes) lines.push(`  codes          ${codes}  (type one on the home page or at the box office)`)
    lines.push(`  staff          owner@ admin@ boxoffice@ gate@ finance@${venue.slug}.demo / ${DEMO_PASSWORD}`)
    lines.push('')
  }
  if (timing.sandboxUrl) {
    lines.push(`Sandbox of WeChat Pay, Alipay, UnionPay and the WeChat API  ${timing.sandboxUrl}  (its cashier page pays, fails or cancels)`)
    lines.push('')
  }
  lines.push('Stop with Ctrl+C.')
  console.log(lines.join('\n'))
}

/** "3 products: A, B, C": what a visitor can book, naming the first few. */
async function onSale(venue: Tenant) {
  const products = await runInTenant(venue, (trx) => Product.query({ client: trx }).where('status', 'on_sale').orderBy('id').select('name'))
  if (!products.length) return 'no products yet'
  const names = products.slice(0, 3).map((product) => product.name)
  return `${products.length} product${products.length === 1 ? '' : 's'}: ${names.join(', ')}${products.length > 3 ? ', …' : ''}`
}

/** The venue's shared coupon and voucher codes (a campaign with one code), to try at checkout. */
async function sharedCodes(venue: Tenant) {
  const rows: { code: string; name: string }[] = await runInTenant(venue, (trx) =>
    trx
      .from('coupon_codes as cc')
      .join('coupon_campaigns as c', 'c.id', 'cc.campaign_id')
      .where('c.status', 'active')
      .whereNotExists((others) => others.from('coupon_codes as o').whereRaw('o.campaign_id = c.id and o.id <> cc.id'))
      .orderBy('c.id')
      .select('cc.code', 'c.name')
  )
  return rows.map((row) => `${row.code} (${row.name})`).join(', ')
}
