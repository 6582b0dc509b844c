/*
 * Signed webhooks to the venue's other systems (member, finance, ERP), sent from a transactional
 * outbox. `emitWebhookEvent` writes one delivery per subscribed active endpoint in the caller's
 * transaction (a change that rolls back emits nothing); `deliverDueWebhooks` posts due deliveries,
 * one at a time per row across processes (SKIP LOCKED), retrying anything but a 2xx answer with
 * backoff for a day and a half, then leaving it `failed` for staff to redeliver. The event id is
 * fixed when the event happens, so a receiver dedupes retries and redeliveries on it.
 *
 * The signature is `v1=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`): the timestamp is signed
 * so a captured request cannot be replayed later (docs/webhooks.md).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { lookup } from 'node:dns/promises'
import { BlockList } from 'node:net'
import app from '@adonisjs/core/services/app'
import encryption from '@adonisjs/core/services/encryption'
import logger from '@adonisjs/core/services/logger'
import { AttemptFailed, drainDue } from '#core/due_queue'
import { notFound } from '#core/app_error'
import { repeatEvery } from '#core/repeat'
import { auditLog } from '#identity/audit/audit_log'
import { eachTenant } from '#tenancy/services/each_tenant'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export const WEBHOOK_EVENTS = ['order.paid', 'order.refunded', 'order.changed', 'ticket.checked_in', 'pass.activated', 'pass.renewed', 'member.joined'] as const
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number]

/** Waits after the 1st, 2nd, ... failed attempt (10 s up to 24 h: ~45 h in all); then failed. */
const RETRY_AFTER_SECONDS = [10, 60, 300, 1800, 7200, 21600, 43200, 86400]
const TIMEOUT_MS = 10_000

interface EndpointRow {
  id: number
  url: string
  description: string | null
  events: WebhookEventType[]
  secret: string
  status: 'active' | 'disabled'
  created_at: Date
  updated_at: Date
}

interface DeliveryRow {
  id: number
  endpoint_id: number
  event_id: string
  event_type: WebhookEventType
  payload: Record<string, unknown>
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  next_attempt_at: Date
  last_status_code: number | null
  last_error: string | null
  delivered_at: Date | null
  created_at: Date
}

export interface EndpointInput {
  url: string
  description?: string | null
  events: WebhookEventType[]
}

export interface EndpointChanges {
  url?: string
  description?: string | null
  events?: WebhookEventType[]
  status?: 'active' | 'disabled'
}

/** What staff see of an endpoint: everything but the secret. */
function presentEndpoint(row: EndpointRow) {
  return {
    id: Number(row.id),
    url: row.url,
    description: row.description,
    events: row.events,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export function presentDelivery(row: DeliveryRow) {
  return {
    id: Number(row.id),
    endpointId: Number(row.endpoint_id),
    eventId: row.event_id,
    eventType: row.event_type,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  }
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`

/** The signature header's value for a body sent at `timestamp` (unix seconds). */
export function webhookSignature(secret: string, timestamp: number | string, rawBody: string) {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`
}

/** Records an event for every active endpoint subscribed to it, in the caller's transaction. */
export async function emitWebhookEvent(trx: TenantTransaction, tenant: Tenant, type: WebhookEventType, data: Record<string, unknown>) {
  const endpoints: Pick<EndpointRow, 'id'>[] = await trx
    .from('webhook_endpoints')
    .where('status', 'active')
    .whereRaw('events @> ?::jsonb', [JSON.stringify([type])])
    .select('id')
  await insertDeliveries(trx, tenant, endpoints.map((endpoint) => endpoint.id), type, data)
}

/** Records an event for one endpoint only (a distributor's callback URL), in the caller's transaction. */
export async function emitWebhookEventTo(trx: TenantTransaction, tenant: Tenant, endpointId: number, type: WebhookEventType, data: Record<string, unknown>) {
  await insertDeliveries(trx, tenant, [endpointId], type, data)
}

async function insertDeliveries(trx: TenantTransaction, tenant: Tenant, endpointIds: number[], type: WebhookEventType, data: Record<string, unknown>) {
  if (!endpointIds.length) return
  const eventId = randomUUID()
  const payload = JSON.stringify({ id: eventId, type, venue: tenant.slug, createdAt: new Date().toISOString(), data })
  await trx.table('webhook_deliveries').insert(endpointIds.map((id) => ({ endpoint_id: id, event_id: eventId, event_type: type, payload })))
}

/** One POST of a delivery; returns the status code (2xx: delivered) or throws (network, timeout). */
/*
 * A venue's webhook must reach the venue's own systems on the internet, never the platform's
 * private network (cloud metadata, databases): in production private, loopback and link-local
 * addresses are refused. (Development and tests post to receivers on this machine.)
 */
const PRIVATE = new BlockList()
for (const [network, prefix] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['127.0.0.0', 8], ['169.254.0.0', 16], ['100.64.0.0', 10], ['0.0.0.0', 8]] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [['::1', 128], ['fc00::', 7], ['fe80::', 10], ['::', 128]] as const) PRIVATE.addSubnet(network, prefix, 'ipv6')

async function assertPublic(url: string) {
  if (!app.inProduction) return
  const { address, family } = await lookup(new URL(url).hostname)
  if (PRIVATE.check(address, family === 6 ? 'ipv6' : 'ipv4')) throw new AttemptFailed(`Refused: ${new URL(url).hostname} resolves to a private address`)
}

async function post(endpoint: EndpointRow, delivery: DeliveryRow) {
  await assertPublic(endpoint.url)
  const body = JSON.stringify(delivery.payload)
  const timestamp = Math.floor(Date.now() / 1000)
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Tessera-Webhooks/1',
      'tessera-event-id': delivery.event_id,
      'tessera-event-type': delivery.event_type,
      'tessera-timestamp': String(timestamp),
      'tessera-signature': webhookSignature(encryption.decrypt<string>(endpoint.secret)!, timestamp, body),
    },
    body,
    // A redirect is not an answer: the receiver's URL is what staff registered.
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  await response.body?.cancel()
  return response.status
}

/** Delivers what is due now (at most `limit`); returns how many were delivered and how many failed. */
export async function deliverDueWebhooks(tenant: Tenant, limit = 50) {
  const { done, failed } = await drainDue<DeliveryRow>(
    tenant,
    {
      table: 'webhook_deliveries',
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      // A disabled endpoint's deliveries wait, and go out once it is active again.
      next: (trx) =>
        trx
          .from('webhook_deliveries')
          .where('status', 'pending')
          .where('next_attempt_at', '<=', new Date())
          .whereIn('endpoint_id', trx.from('webhook_endpoints').where('status', 'active').select('id'))
          .orderBy('next_attempt_at')
          .forUpdate()
          .skipLocked()
          .first(),
      async attempt(delivery, trx) {
        const endpoint: EndpointRow = await trx.from('webhook_endpoints').where('id', delivery.endpoint_id).firstOrFail()
        const status = await post(endpoint, delivery)
        if (status < 200 || status > 299) throw new AttemptFailed(`HTTP ${status}`, { last_status_code: status })
        return { status: 'delivered', last_status_code: status, delivered_at: new Date() }
      },
      onFailure: (delivery, attempts, error) =>
        logger.warn({ tenant: tenant.slug, deliveryId: delivery.id, eventType: delivery.event_type, attempts, error }, 'a webhook delivery failed'),
    },
    limit
  )
  return { delivered: done, failed }
}

/** Delivers due webhooks of every venue every few seconds (web process). */
export function startWebhookSender(intervalMs = 5_000) {
  return repeatEvery(intervalMs, 'webhook delivery', () => eachTenant((tenant) => deliverDueWebhooks(tenant)))
}

/** The venue's endpoints at the console. Secrets go out only when created or rotated. */
export default class Webhooks {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new Webhooks(tenant)
  }

  async list() {
    return runInTenant(this.tenant, async (trx) => ((await trx.from('webhook_endpoints').whereNull('distributor_id').orderBy('id')) as EndpointRow[]).map(presentEndpoint))
  }

  async show(id: number) {
    return runInTenant(this.tenant, async (trx) => presentEndpoint(await this.#endpoint(trx, id)))
  }

  /** Registers an endpoint; the answer carries its secret, which is never shown again. */
  async create(input: EndpointInput) {
    const secret = newSecret()
    const row = await runInTenant(this.tenant, async (trx) => {
      const [created]: EndpointRow[] = await trx
        .table('webhook_endpoints')
        .insert({ url: input.url, description: input.description ?? null, events: JSON.stringify(input.events), secret: encryption.encrypt(secret) })
        .returning('*')
      await auditLog.tenant(trx, { action: 'webhook.created', subjectType: 'webhook_endpoint', subjectId: created.id, after: presentEndpoint(created) })
      return created
    })
    return { endpoint: presentEndpoint(row), secret }
  }

  async update(id: number, changes: EndpointChanges) {
    return runInTenant(this.tenant, async (trx) => {
      const before = await this.#endpoint(trx, id, { lock: true })
      const [after]: EndpointRow[] = await trx
        .from('webhook_endpoints')
        .where('id', id)
        .update({
          url: changes.url ?? before.url,
          description: changes.description === undefined ? before.description : changes.description,
          events: JSON.stringify(changes.events ?? before.events),
          status: changes.status ?? before.status,
          updated_at: new Date(),
        })
        .returning('*')
      await auditLog.tenant(trx, { action: 'webhook.updated', subjectType: 'webhook_endpoint', subjectId: id, before: presentEndpoint(before), after: presentEndpoint(after) })
      return presentEndpoint(after)
    })
  }

  /** A new secret, effective for the next attempt of every delivery; answered once. */
  async rotateSecret(id: number) {
    const secret = newSecret()
    const row = await runInTenant(this.tenant, async (trx) => {
      await this.#endpoint(trx, id, { lock: true })
      const [rotated]: EndpointRow[] = await trx.from('webhook_endpoints').where('id', id).update({ secret: encryption.encrypt(secret), updated_at: new Date() }).returning('*')
      await auditLog.tenant(trx, { action: 'webhook.secret_rotated', subjectType: 'webhook_endpoint', subjectId: id })
      return rotated
    })
    return { endpoint: presentEndpoint(row), secret }
  }

  /** The delivery log of an endpoint, newest first. */
  async deliveries(id: number, filters: { status?: DeliveryRow['status']; eventType?: WebhookEventType; limit?: number } = {}) {
    return runInTenant(this.tenant, async (trx) => {
      await this.#endpoint(trx, id)
      const query = trx.from('webhook_deliveries').where('endpoint_id', id).orderBy('id', 'desc').limit(filters.limit ?? 100)
      if (filters.status) query.where('status', filters.status)
      if (filters.eventType) query.where('event_type', filters.eventType)
      return ((await query) as DeliveryRow[]).map(presentDelivery)
    })
  }

  /** Sends a delivery again now, with the same event id (the receiver may have lost it, or failed for a day). */
  async redeliver(deliveryId: number) {
    return runInTenant(this.tenant, async (trx) => {
      const [row]: DeliveryRow[] = await trx
        .from('webhook_deliveries')
        .where('id', deliveryId)
        .update({ status: 'pending', next_attempt_at: new Date(), last_error: null })
        .returning('*')
      if (!row) throw notFound('No such webhook delivery', 'E_WEBHOOK_DELIVERY_NOT_FOUND')
      await auditLog.tenant(trx, { action: 'webhook.redelivered', subjectType: 'webhook_endpoint', subjectId: row.endpoint_id, meta: { deliveryId: row.id, eventId: row.event_id } })
      return presentDelivery(row)
    })
  }

  async #endpoint(trx: TenantTransaction, id: number, options: { lock?: boolean } = {}): Promise<EndpointRow> {
    // A distributor's callback endpoint is managed with its distributor (distributors.ts).
    const query = trx.from('webhook_endpoints').where('id', id).whereNull('distributor_id')
    if (options.lock) query.forUpdate()
    const row: EndpointRow | undefined = await query.first()
    if (!row) throw notFound('No such webhook endpoint', 'E_WEBHOOK_NOT_FOUND')
    return row
  }
}
