/*
 * Messages to people, sent from a transactional outbox. `enqueue` writes the message in the
 * caller's transaction; `deliverDue` hands due messages to the sender of their channel, one
 * delivery per message at a time across processes (SKIP LOCKED), retrying failures with backoff
 * (30 s, 2, 10, 30 minutes, 2 and 6 hours) and then leaving them `failed` for staff to see and
 * resend. A sending failure never touches the order that caused the message.
 *
 * Senders are pluggable per channel. Without a real provider configured (development, demo,
 * tests) a channel's sender is the local one: the message is "delivered" into the outbox itself,
 * where staff read it in the console (e.g. a visitor's login code).
 */
import logger from '@adonisjs/core/services/logger'
import { notFound } from '#core/app_error'
import { repeatEvery } from '#core/repeat'
import { drainDue } from '#core/due_queue'
import { eachTenant } from '#tenancy/services/each_tenant'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export type OutboxChannel = 'sms' | 'email' | 'wechat_template'

export interface OutgoingMessage {
  channel: OutboxChannel
  recipient: string
  template: string
  subject?: string
  body: string
  data?: Record<string, unknown>
  dedupeKey?: string
  orderId?: number
}

export interface OutboxMessage extends OutgoingMessage {
  id: number
  attempts: number
  data: Record<string, unknown>
}

/** Sends one message; returns a receipt (provider id) or throws. */
export interface MessageSender {
  send(tenant: Tenant, message: OutboxMessage): Promise<{ receipt?: string }>
}

const RETRY_AFTER_SECONDS = [30, 120, 600, 1800, 7200, 21600]

/** Local delivery: the outbox row is the message; nothing leaves the machine. */
export const localSender: MessageSender = {
  async send(_tenant, message) {
    return { receipt: `local:${message.id}` }
  },
}

const senders = new Map<OutboxChannel, MessageSender>()

/** Replaces the sender of a channel (a real provider, or a test's failing one); null: back to local. */
export function useSender(channel: OutboxChannel, sender: MessageSender | null) {
  if (sender) senders.set(channel, sender)
  else senders.delete(channel)
}

function senderOf(channel: OutboxChannel): MessageSender {
  return senders.get(channel) ?? localSender
}

interface OutboxRow {
  id: number
  channel: OutboxChannel
  recipient: string
  template: string
  subject: string | null
  body: string
  data: Record<string, unknown>
  status: 'pending' | 'sent' | 'failed'
  attempts: number
  next_attempt_at: Date
  last_error: string | null
  receipt: string | null
  dedupe_key: string | null
  order_id: number | null
  sent_at: Date | null
  created_at: Date
}

/** Login codes are shown to staff only while delivery is local (development, demo): then the outbox is the phone. */
function present(row: OutboxRow) {
  const secret = row.template === 'login_code' && senderOf(row.channel) !== localSender
  return {
    id: Number(row.id),
    channel: row.channel,
    recipient: row.recipient,
    template: row.template,
    subject: row.subject,
    body: secret ? '(login code hidden)' : row.body,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastError: row.last_error,
    receipt: row.receipt,
    orderId: row.order_id ? Number(row.order_id) : null,
    sentAt: row.sent_at,
    createdAt: row.created_at,
  }
}

/** Delivers due messages of every venue every few seconds (web process). */
export function startMessageSender(intervalMs = 5_000) {
  return repeatEvery(intervalMs, 'message delivery', () => eachTenant((tenant) => Outbox.deliverDue(tenant)))
}

export const Outbox = {
  /** Writes a message in the caller's transaction; a repeated dedupe key is ignored. */
  async enqueue(trx: TenantTransaction, message: OutgoingMessage) {
    await trx
      .table('outbox_messages')
      .insert({
        channel: message.channel,
        recipient: message.recipient,
        template: message.template,
        subject: message.subject ?? null,
        body: message.body,
        data: JSON.stringify(message.data ?? {}),
        dedupe_key: message.dedupeKey ?? null,
        order_id: message.orderId ?? null,
      })
      .onConflict('dedupe_key')
      .ignore()
  },

  /** Sends what is due now (at most `limit`); returns how many were sent and how many failed. */
  async deliverDue(tenant: Tenant, limit = 50) {
    const { done, failed } = await drainDue<OutboxRow>(
      tenant,
      {
        table: 'outbox_messages',
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        next: (trx) => trx.from('outbox_messages').where('status', 'pending').where('next_attempt_at', '<=', new Date()).orderBy('next_attempt_at').forUpdate().skipLocked().first(),
        async attempt(row) {
          const message: OutboxMessage = {
            id: Number(row.id),
            channel: row.channel,
            recipient: row.recipient,
            template: row.template,
            subject: row.subject ?? undefined,
            body: row.body,
            data: row.data,
            attempts: row.attempts,
            orderId: row.order_id ? Number(row.order_id) : undefined,
          }
          const { receipt } = await senderOf(row.channel).send(tenant, message)
          return { status: 'sent', sent_at: new Date(), receipt: receipt ?? null }
        },
        onFailure: (row, attempts) => logger.warn({ tenant: tenant.slug, messageId: row.id, channel: row.channel, attempts }, 'sending a message failed'),
      },
      limit
    )
    return { sent: done, failed }
  },

  /** Staff's view: newest first, filtered by recipient, channel or status. */
  async list(tenant: Tenant, filters: { recipient?: string; channel?: string; status?: string; orderId?: number; limit?: number } = {}) {
    return runInTenant(tenant, async (trx) => {
      const query = trx.from('outbox_messages').orderBy('id', 'desc').limit(filters.limit ?? 100)
      if (filters.recipient) query.where('recipient', filters.recipient)
      if (filters.channel) query.where('channel', filters.channel)
      if (filters.status) query.where('status', filters.status)
      if (filters.orderId) query.where('order_id', filters.orderId)
      return ((await query) as OutboxRow[]).map(present)
    })
  },

  /** Staff send a failed (or sent) message again now. */
  async resend(tenant: Tenant, id: number) {
    return runInTenant(tenant, async (trx) => {
      const [row]: OutboxRow[] = await trx
        .from('outbox_messages')
        .where('id', id)
        .update({ status: 'pending', next_attempt_at: new Date(), last_error: null })
        .returning('*')
      if (!row) throw notFound('No such message', 'E_MESSAGE_NOT_FOUND')
      return present(row)
    })
  },
}
