/*
 * Custom domains (绑定域名): hosts a venue points at the platform (a CNAME to its subdomain), after
 * which requests to that host are the venue's (tenant_registry resolves them). The table is the
 * platform's (public.tenant_domains), a host is unique across venues; the change and its audit
 * record commit together in the venue's transaction.
 *
 * A host is a DNS name of at least two labels ending in a letter-led top-level label (so no IP
 * address), internationalised names in their punycode form. The platform's own host and its
 * subdomains are never a venue's custom domain: they are the platform's and its venues' addresses.
 */
import { domainToASCII } from 'node:url'
import { invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import registry from '#tenancy/services/tenant_registry'
import { platformUrl } from '#tenancy/services/venue_urls'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

const MAX_DOMAINS = 10

const HOSTNAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/

interface DomainRow {
  id: number
  host: string
  created_at: Date
}

const present = (row: DomainRow) => ({ id: row.id, host: row.host, createdAt: row.created_at })

/** The canonical spelling of a host (lower case, punycode, no trailing dot), or a 422 on `host`. */
function normalizeHost(input: string): string {
  const host = domainToASCII(input.trim().toLowerCase().replace(/\.$/, ''))
  const platformHosts = [registry.baseHost, new URL(platformUrl()).hostname, 'localhost']
  if (platformHosts.some((own) => host === own || host.endsWith(`.${own}`))) {
    throw invalid('host', 'The platform’s own addresses cannot be bound as a custom domain', 'E_DOMAIN_PLATFORM')
  }
  if (!HOSTNAME.test(host)) throw invalid('host', 'Enter a domain name such as tickets.example.com', 'E_DOMAIN_INVALID')
  return host
}

export default class VenueDomains {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new VenueDomains(tenant)
  }

  /** The venue's domains and the host they should point to (CNAME). */
  list() {
    return runInTenant(this.tenant, async (trx) => {
      const rows: DomainRow[] = await trx.from('public.tenant_domains').where('tenant_id', this.tenant.id).orderBy('id')
      return { domains: rows.map(present), cnameTarget: `${this.tenant.slug}.${registry.baseHost}` }
    })
  }

  async add(input: string) {
    const host = normalizeHost(input)
    const domain = await runInTenant(this.tenant, async (trx) => {
      // One venue's additions queue here, so the count below cannot be passed by parallel requests.
      await trx.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [`venue-domains:${this.tenant.id}`])
      const [{ count }] = await trx.from('public.tenant_domains').where('tenant_id', this.tenant.id).count('* as count')
      if (Number(count) >= MAX_DOMAINS) throw invalid('host', `A venue can bind at most ${MAX_DOMAINS} domains`, 'E_DOMAIN_LIMIT')
      const [row]: DomainRow[] = await trx
        .table('public.tenant_domains')
        .insert({ tenant_id: this.tenant.id, host, created_at: new Date() })
        .onConflict('host')
        .ignore()
        .returning(['id', 'host', 'created_at'])
      if (!row) {
        const owner = await trx.from('public.tenant_domains').where('host', host).select('tenant_id').first()
        const ours = owner && owner.tenant_id === this.tenant.id
        throw invalid('host', ours ? 'This domain is already bound to this venue' : 'This domain is bound to another venue', 'E_DOMAIN_TAKEN')
      }
      const added = present(row)
      await auditLog.tenant(trx, { action: 'venue_domain.added', subjectType: 'venue_domain', subjectId: added.id, after: added })
      return added
    })
    // A lookup of this host may have been cached as "no venue" (in this process; others within seconds).
    registry.forget()
    return domain
  }

  async remove(id: number) {
    await runInTenant(this.tenant, async (trx) => {
      const [row]: DomainRow[] = await trx
        .from('public.tenant_domains')
        .where('id', id)
        .where('tenant_id', this.tenant.id)
        .delete()
        .returning(['id', 'host', 'created_at'])
      if (!row) throw notFound('No such domain', 'E_DOMAIN_NOT_FOUND')
      await auditLog.tenant(trx, { action: 'venue_domain.removed', subjectType: 'venue_domain', subjectId: id, before: present(row) })
    })
    registry.forget(this.tenant)
  }
}
