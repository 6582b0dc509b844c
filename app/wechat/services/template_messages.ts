/*
 * Template messages (模板消息) to visitors who follow the account: tickets issued, order refunded,
 * visit reminder, change confirmed. Each venue picks a template per event in its WeChat admin and
 * tells us its id and which of our variables fills which of the template's keywords (thing1,
 * time2, ...). A message is written to the outbox in the caller's transaction and sent by the
 * outbox's delivery, retried with backoff; the client_msg_id is derived from the outbox message,
 * so a retry after a lost answer is not sent twice. WeChat's answer (msgid) and its later verdict
 * (TEMPLATESENDJOBFINISH) are recorded per message.
 */
import { auditLog } from '#identity/audit/audit_log'
import { Outbox, type MessageSender } from '#messaging/services/outbox'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import AccessTokens from '#wechat/services/access_tokens'
import { loadOfficialAccount } from '#wechat/services/official_accounts'
import type { TemplateMessage } from '#wechat/services/wechat_client'
import type Tenant from '#tenancy/models/tenant'

export const TEMPLATE_EVENTS = ['tickets_issued', 'order_refunded', 'visit_reminder', 'change_confirmed'] as const
export type TemplateEvent = (typeof TEMPLATE_EVENTS)[number]

/**
 * The variables each event offers, for the console to offer; `venueName` is always there. Values
 * are strings, amounts in yuan ("80.00"), times as WeChat shows them ("2026-05-01 09:00").
 */
export const TEMPLATE_VARIABLES: Record<TemplateEvent, string[]> = {
  tickets_issued: ['orderNumber', 'productName', 'visitDate', 'quantity', 'amount', 'venueName'],
  order_refunded: ['orderNumber', 'productName', 'amount', 'reason', 'venueName'],
  visit_reminder: ['orderNumber', 'productName', 'visitDate', 'venueName'],
  change_confirmed: ['orderNumber', 'productName', 'visitDate', 'venueName'],
}

export interface TemplateSetting {
  templateId: string
  /** Template keyword → our variable (e.g. thing1 → productName); none: the variables are the keywords. */
  fields?: Record<string, string>
}

export type TemplateSettings = Partial<Record<TemplateEvent, TemplateSetting>>

export interface TemplateMessageInput {
  event: TemplateEvent
  /** The visitor's openid at the venue's account (openidOf); null: the visitor has none, nothing is sent. */
  openid: string | null
  data: Record<string, string | number | null | undefined>
  orderId?: number
  /** Makes a repeated enqueue a no-op (e.g. `tickets:<order number>`); kept as `wechat:<key>`. */
  dedupeKey?: string
  /** The page the message opens (e.g. the order). */
  url?: string
}

interface OutboxTemplateData {
  templateId: string
  data: TemplateMessage['data']
  url?: string
}

/** WeChat's result of a delivery (Status of TEMPLATESENDJOBFINISH). */
const FINISH_STATUS: Record<string, string> = { 'success': 'delivered', 'failed:user block': 'user_blocked' }

/**
 * Puts the template message of `event` for `openid` into the outbox, in the caller's transaction.
 * Returns false, writing nothing, when the venue has no official account or no template for it.
 */
export async function enqueueTemplateMessage(trx: TenantTransaction, tenant: Tenant, input: TemplateMessageInput): Promise<boolean> {
  if (!input.openid) return false
  const account: { templates: TemplateSettings } | undefined = await trx.from('wechat_accounts').select('templates').first()
  const setting = account?.templates[input.event]
  if (!setting) return false
  const variables: Record<string, string | number | null | undefined> = { venueName: tenant.name, ...input.data }
  const fields = setting.fields ?? Object.fromEntries(Object.keys(variables).map((name) => [name, name]))
  const data = Object.fromEntries(
    Object.entries(fields)
      .filter(([, variable]) => variables[variable] !== undefined && variables[variable] !== null)
      .map(([keyword, variable]) => [keyword, { value: String(variables[variable]) }])
  )
  const payload: OutboxTemplateData = { templateId: setting.templateId, data, url: input.url }
  await Outbox.enqueue(trx, {
    channel: 'wechat_template',
    recipient: input.openid,
    template: input.event,
    body: Object.entries(data)
      .map(([keyword, { value }]) => `${keyword}: ${value}`)
      .join('\n'),
    data: payload as unknown as Record<string, unknown>,
    dedupeKey: input.dedupeKey ? `wechat:${input.dedupeKey}` : undefined,
    orderId: input.orderId,
  })
  return true
}

/** The outbox's sender for channel 'wechat_template': one send per outbox message, whatever the retries. */
export const wechatTemplateSender: MessageSender = {
  async send(tenant, message) {
    const tokens = await AccessTokens.for(tenant)
    const { templateId, data, url } = message.data as unknown as OutboxTemplateData
    const msgid = await tokens.call((token) =>
      tokens.client.sendTemplate(token, { touser: message.recipient, template_id: templateId, url, client_msg_id: `t${tenant.id}-m${message.id}`, data })
    )
    await runInTenant(tenant, (trx) =>
      trx
        .table('wechat_template_sends')
        .insert({ outbox_message_id: message.id, event: message.template, template_id: templateId, openid: message.recipient, msgid })
        .onConflict('outbox_message_id')
        .merge(['msgid'])
    )
    return { receipt: msgid }
  },
}

/** WeChat's verdict on a sent message (event TEMPLATESENDJOBFINISH). */
export async function recordTemplateResult(trx: TenantTransaction, msgid: string, status: string) {
  await trx
    .from('wechat_template_sends')
    .where('msgid', msgid)
    .update({ status: FINISH_STATUS[status] ?? 'failed', finished_at: new Date() })
}

export default class MessageTemplates {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new MessageTemplates(tenant)
  }

  async show() {
    const account = await runInTenant(this.tenant, loadOfficialAccount)
    return { templates: account.row.templates as TemplateSettings, variables: TEMPLATE_VARIABLES }
  }

  /** Replaces the template settings: an event left out sends nothing. */
  async save(templates: TemplateSettings) {
    return runInTenant(this.tenant, async (trx) => {
      const account = await loadOfficialAccount(trx)
      await trx.from('wechat_accounts').update({ templates: JSON.stringify(templates), updated_at: new Date() })
      await auditLog.tenant(trx, { action: 'wechat_templates.updated', subjectType: 'wechat_account', subjectId: account.appId, before: account.row.templates, after: templates })
      return { templates, variables: TEMPLATE_VARIABLES }
    })
  }

  /** The latest template messages WeChat accepted, with their results. */
  async sends(limit = 100) {
    const rows = await runInTenant(this.tenant, (trx) => trx.from('wechat_template_sends').orderBy('id', 'desc').limit(limit))
    return rows.map((row) => ({
      outboxMessageId: Number(row.outbox_message_id),
      event: row.event,
      templateId: row.template_id,
      openid: row.openid,
      msgid: row.msgid,
      status: row.status,
      sentAt: row.sent_at,
      finishedAt: row.finished_at,
    }))
  }
}
