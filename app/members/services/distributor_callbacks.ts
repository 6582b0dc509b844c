/*
 * Check-in notices to a distributor (分销回调): sent by the webhook machinery (outbox written in
 * the check-in's transaction, retries with backoff, delivery log) to an endpoint that belongs to
 * the distributor. The endpoint subscribes to no venue event, so it receives only what is sent to
 * it here: its own tickets. It is signed like every webhook (docs/webhooks.md) with the
 * distributor's API secret, so the distributor keeps one secret; rotating it rotates both.
 */
import encryption from '@adonisjs/core/services/encryption'
import { emitWebhookEventTo, type WebhookEventType } from './webhooks.js'
import type { TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** Points the distributor's callback endpoint at `url` with `secret` (null url: stops sending). */
export async function syncCallbackEndpoint(trx: TenantTransaction, distributorId: number, url: string | null, secret?: string) {
  const existing = await trx.from('webhook_endpoints').where('distributor_id', distributorId).forUpdate().first()
  const changes = {
    ...(url ? { url } : {}),
    status: url ? 'active' : 'disabled',
    ...(secret ? { secret: encryption.encrypt(secret) } : {}),
    updated_at: new Date(),
  }
  if (existing) {
    await trx.from('webhook_endpoints').where('id', existing.id).update(changes)
  } else if (url && secret) {
    await trx.table('webhook_endpoints').insert({ ...changes, description: `Distributor ${distributorId} callbacks`, events: '[]', distributor_id: distributorId })
  }
}

/** The endpoint's id (for its delivery log), if the distributor ever had a callback URL. */
export async function callbackEndpointId(trx: TenantTransaction, distributorId: number): Promise<number | null> {
  const row = await trx.from('webhook_endpoints').where('distributor_id', distributorId).select('id').first()
  return row ? Number(row.id) : null
}

/** Tells the distributor that sold this order, if any and if it has a callback URL, in the caller's transaction. */
export async function notifyDistributor(trx: TenantTransaction, tenant: Tenant, orderId: number, type: WebhookEventType, data: Record<string, unknown>) {
  const target = await trx
    .from('distributor_orders as x')
    .join('webhook_endpoints as e', 'e.distributor_id', 'x.distributor_id')
    .where('x.order_id', orderId)
    .where('e.status', 'active')
    .select('e.id as endpoint_id', 'x.external_no')
    .first()
  if (target) await emitWebhookEventTo(trx, tenant, Number(target.endpoint_id), type, { ...data, distributorOrderNo: target.external_no })
}
