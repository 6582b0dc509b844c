import env from '#start/env'

/** Where a venue's pages are: its subdomain in production, the /t/<slug> prefix in development. */
export function platformUrl(): string {
  return (env.get('APP_URL') || `http://${env.get('HOST') || 'localhost'}:${env.get('PORT')}`).replace(/\/$/, '')
}

export function venueUrls(tenant: { slug: string }) {
  const base = `${platformUrl()}/t/${tenant.slug}`
  return { visitor: `${base}/`, console: `${base}/console/` }
}
