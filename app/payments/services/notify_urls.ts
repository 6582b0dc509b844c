import { platformUrl } from '#tenancy/services/venue_urls'
import type { ChannelKind } from '#payments/channel'
import type Tenant from '#tenancy/models/tenant'

/**
 * Where a channel sends a venue's notifications: the venue's path on the platform host, which
 * works for every venue whatever its own domain (the merchant's signature tells them apart).
 */
export function paymentNotifyUrl(tenant: Pick<Tenant, 'slug'>, channel: ChannelKind): string {
  return `${platformUrl()}/t/${tenant.slug}/webhooks/payments/${channel}`
}
