/*
 * Finds the tenant of a request: by custom domain, by <slug>.<BASE_HOST>, or by slug (the /t/<slug>
 * development prefix). Lookups are cached briefly per process; status changes made here are
 * forgotten at once, those made by other processes within CACHE_MS.
 */
import env from '#start/env'
import Tenant from '#tenancy/models/tenant'
import TenantDomain from '#tenancy/models/tenant_domain'

const CACHE_MS = 5_000

class TenantRegistry {
  #cache = new Map<string, { tenant: Tenant | null; expires: number }>()

  get baseHost(): string {
    return (env.get('BASE_HOST') || 'localhost').toLowerCase()
  }

  /** The slug a host names, or null when the host is the platform's own or a custom domain. */
  slugFromHost(host: string): string | null {
    const suffix = `.${this.baseHost}`
    if (!host.endsWith(suffix)) return null
    const label = host.slice(0, -suffix.length)
    return label && !label.includes('.') ? label : null
  }

  isPlatformHost(host: string): boolean {
    return host === this.baseHost || host === 'localhost' || host === '127.0.0.1' || host === '::1'
  }

  bySlug(slug: string): Promise<Tenant | null> {
    return this.#cached(`slug:${slug}`, () => Tenant.findBy('slug', slug.toLowerCase()))
  }

  /** Tenant named by the host, or null (unknown host, or the platform's own host). */
  byHost(rawHost: string): Promise<Tenant | null> {
    const host = rawHost.toLowerCase().replace(/\.$/, '')
    if (this.isPlatformHost(host)) return Promise.resolve(null)
    const slug = this.slugFromHost(host)
    if (slug) return this.bySlug(slug)
    return this.#cached(`host:${host}`, async () => {
      const domain = await TenantDomain.findBy('host', host)
      return domain ? Tenant.find(domain.tenantId) : null
    })
  }

  forget(tenant?: Tenant) {
    if (!tenant) return this.#cache.clear()
    for (const [key, entry] of this.#cache) {
      if (entry.tenant?.id === tenant.id || key === `slug:${tenant.slug}`) this.#cache.delete(key)
    }
  }

  async #cached(key: string, load: () => Promise<Tenant | null>) {
    const hit = this.#cache.get(key)
    if (hit && hit.expires > Date.now()) return hit.tenant
    const tenant = await load()
    this.#cache.set(key, { tenant, expires: Date.now() + CACHE_MS })
    return tenant
  }
}

export default new TenantRegistry()
