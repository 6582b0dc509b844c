/*
 * The official account's custom menu (自定义菜单), as staff define it in venue terms (buy tickets,
 * my tickets, venue info, a link), compiled to WeChat's buttons and published with menu/create.
 * The definition published is kept: the message endpoint answers venue-info clicks from it.
 */
import { invalid } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant } from '#tenancy/services/tenant_database'
import { venueUrls } from '#tenancy/services/venue_urls'
import AccessTokens from '#wechat/services/access_tokens'
import { loadOfficialAccount } from '#wechat/services/official_accounts'
import { WechatApiError, type WechatMenuButton } from '#wechat/services/wechat_client'
import type Tenant from '#tenancy/models/tenant'

export const MENU_ACTIONS = ['buy_tickets', 'my_tickets', 'venue_info', 'link'] as const
export type MenuAction = (typeof MENU_ACTIONS)[number]

export interface MenuItem {
  name: string
  action?: MenuAction
  /** link: where it goes. */
  url?: string
  /** venue_info: what the account answers when it is tapped. */
  text?: string
}

export interface MenuButton extends MenuItem {
  children?: MenuItem[]
}

export interface MenuDefinition {
  buttons: MenuButton[]
}

/** The visitor pages the account links to, each through a silent WeChat sign-in (snsapi_base). */
export function visitorLinks(tenant: Tenant) {
  const { visitor } = venueUrls(tenant)
  const home = new URL(visitor).pathname
  const signedIn = (page: string) => `${visitor}wechat/login?scope=snsapi_base&returnTo=${encodeURIComponent(home + page)}`
  return { buyTickets: signedIn(''), myTickets: signedIn('#/tickets') }
}

/** WeChat's buttons for a definition, and the reply to each click button by its key. */
export function compileMenu(tenant: Tenant, definition: MenuDefinition) {
  const links = visitorLinks(tenant)
  const replies: Record<string, string> = {}
  const compile = (item: MenuItem): WechatMenuButton => {
    switch (item.action) {
      case 'buy_tickets':
        return { type: 'view', name: item.name, url: links.buyTickets }
      case 'my_tickets':
        return { type: 'view', name: item.name, url: links.myTickets }
      case 'link':
        return { type: 'view', name: item.name, url: item.url! }
      default: {
        const key = `VENUE_INFO_${Object.keys(replies).length + 1}`
        replies[key] = item.text!
        return { type: 'click', name: item.name, key }
      }
    }
  }
  const button = definition.buttons.map((item) => (item.children ? { name: item.name, sub_button: item.children.map(compile) } : compile(item)))
  return { button, replies }
}

/** A button has either an action or sub-buttons (the validator has checked each one's own fields). */
function assertShape(definition: MenuDefinition) {
  definition.buttons.forEach((button, index) => {
    if (button.children && button.action) throw invalid(`buttons.${index}.action`, 'A button with sub-buttons has no action of its own', 'E_MENU_SHAPE')
    if (!button.children && !button.action) throw invalid(`buttons.${index}.action`, 'Give the button an action or sub-buttons', 'E_MENU_SHAPE')
  })
}

export default class CustomMenu {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new CustomMenu(tenant)
  }

  /** The menu as defined here, and the one WeChat has now (null when it has none). */
  async show() {
    const tokens = await AccessTokens.for(this.tenant)
    let current: WechatMenuButton[] | null = null
    try {
      current = (await tokens.call((token) => tokens.client.getMenu(token))).menu.button
    } catch (error) {
      if (!(error instanceof WechatApiError && error.errcode === 46003)) throw error
    }
    return { menu: tokens.account.row.menu, publishedAt: tokens.account.row.menu_published_at, wechat: current }
  }

  /** Publishes the menu to WeChat, then keeps it as the one in use. */
  async publish(definition: MenuDefinition) {
    assertShape(definition)
    const tokens = await AccessTokens.for(this.tenant)
    const { button } = compileMenu(this.tenant, definition)
    await tokens.call((token) => tokens.client.createMenu(token, button))
    return runInTenant(this.tenant, async (trx) => {
      const before = (await loadOfficialAccount(trx)).row.menu
      const publishedAt = new Date()
      await trx.from('wechat_accounts').update({ menu: JSON.stringify(definition), menu_published_at: publishedAt })
      await auditLog.tenant(trx, { action: 'wechat_menu.published', subjectType: 'wechat_account', subjectId: tokens.account.appId, before, after: definition })
      return { menu: definition, publishedAt, wechat: button }
    })
  }
}
