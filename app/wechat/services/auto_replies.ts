/*
 * What the official account answers by itself (自动回复): a welcome with the venue's links when a
 * visitor follows it, the text of a venue-info menu button, and keyword replies to text messages
 * (exact matches first, then "contains", in the order staff listed them).
 */
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import { compileMenu, visitorLinks, type MenuDefinition } from '#wechat/services/custom_menu'
import { loadOfficialAccount, type OfficialAccount } from '#wechat/services/official_accounts'
import type { XmlFields } from '#wechat/wechat_xml'
import type Tenant from '#tenancy/models/tenant'

export interface KeywordReply {
  keyword: string
  match: 'exact' | 'contains'
  reply: string
}

export interface ReplySettings {
  welcomeText: string | null
  keywords: KeywordReply[]
}

function welcome(tenant: Tenant, account: OfficialAccount) {
  const links = visitorLinks(tenant)
  return [
    account.row.welcome_text || `欢迎关注${tenant.name}！`,
    '',
    `<a href="${links.buyTickets}">购票 Buy tickets</a>`,
    `<a href="${links.myTickets}">我的门票 My tickets</a>`,
  ].join('\n')
}

async function keywordReply(trx: TenantTransaction, content: string): Promise<string | null> {
  const text = content.trim().toLowerCase()
  if (!text) return null
  const row = await trx
    .from('wechat_keyword_replies')
    .where((query) => query.where('match', 'exact').whereRaw('lower(keyword) = ?', [text]))
    .orWhere((query) => query.where('match', 'contains').whereRaw('strpos(?, lower(keyword)) > 0', [text]))
    .orderByRaw("match = 'exact' desc, position")
    .select('reply')
    .first()
  return row?.reply ?? null
}

/** The text to answer an incoming message or event with, or null for no answer. */
export async function autoReply(trx: TenantTransaction, tenant: Tenant, account: OfficialAccount, message: XmlFields): Promise<string | null> {
  if (message.MsgType === 'text') return keywordReply(trx, message.Content ?? '')
  if (message.MsgType !== 'event') return null
  if (message.Event === 'subscribe') return welcome(tenant, account)
  if (message.Event === 'CLICK' && account.row.menu) return compileMenu(tenant, account.row.menu as MenuDefinition).replies[message.EventKey ?? ''] ?? null
  return null
}

export default class AutoReplies {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new AutoReplies(tenant)
  }

  async show(): Promise<ReplySettings> {
    return runInTenant(this.tenant, async (trx) => {
      const account = await loadOfficialAccount(trx)
      return { welcomeText: account.row.welcome_text, keywords: await this.#keywords(trx) }
    })
  }

  /** Replaces the welcome text and the whole keyword list. */
  async save(settings: ReplySettings): Promise<ReplySettings> {
    return runInTenant(this.tenant, async (trx) => {
      const account = await loadOfficialAccount(trx)
      const before = { welcomeText: account.row.welcome_text, keywords: await this.#keywords(trx) }
      await trx.from('wechat_accounts').update({ welcome_text: settings.welcomeText, updated_at: new Date() })
      await trx.from('wechat_keyword_replies').delete()
      if (settings.keywords.length) {
        await trx.table('wechat_keyword_replies').multiInsert(settings.keywords.map((keyword, position) => ({ ...keyword, position })))
      }
      await auditLog.tenant(trx, { action: 'wechat_replies.updated', subjectType: 'wechat_account', subjectId: account.appId, before, after: settings })
      return settings
    })
  }

  async #keywords(trx: TenantTransaction): Promise<KeywordReply[]> {
    return trx.from('wechat_keyword_replies').orderBy('position').select('keyword', 'match', 'reply')
  }
}
