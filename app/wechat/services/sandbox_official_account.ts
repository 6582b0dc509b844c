/*
 * Connects a venue to the sandbox's WeChat as a real venue connects its official account: the
 * sandbox registers an account (AppID, AppSecret, Token, EncodingAESKey and four templates from
 * its library) and the venue saves them, maps the templates to its events and, when asked,
 * publishes a menu. Used by the demo (so its visitors sign in through the sandbox's authorize
 * page) and by tests.
 */
import { venueUrls } from '#tenancy/services/venue_urls'
import CustomMenu from '#wechat/services/custom_menu'
import MessageTemplates, { type TemplateSettings } from '#wechat/services/template_messages'
import OfficialAccounts, { type MessageMode } from '#wechat/services/official_accounts'
import type Tenant from '#tenancy/models/tenant'

export interface SandboxOfficialAccountCredentials {
  appId: string
  appSecret: string
  token: string
  encodingAesKey: string
  originalId: string
  templates: { templateId: string; title: string; keys: string[] }[]
}

/** Which sandbox library template serves which event, and which variable fills each keyword. */
const TEMPLATE_CHOICES: Record<keyof TemplateSettings, { title: string; fields: Record<string, string> }> = {
  tickets_issued: { title: '购票成功通知', fields: { thing1: 'productName', time2: 'visitDate', character_string3: 'orderNumber', amount4: 'amount' } },
  order_refunded: { title: '退款成功通知', fields: { character_string1: 'orderNumber', amount2: 'amount', thing3: 'reason' } },
  visit_reminder: { title: '游玩提醒', fields: { thing1: 'productName', time2: 'visitDate', thing3: 'venueName' } },
  change_confirmed: { title: '改签成功通知', fields: { character_string1: 'orderNumber', thing2: 'productName', time3: 'visitDate' } },
}

/**
 * Gives the venue a sandbox official account, unless it has one (then returns null). `mode`: the
 * message mode (safe by default, as WeChat recommends); `menu`: also publish a starter menu.
 */
export async function connectSandboxOfficialAccount(
  tenant: Tenant,
  options: { mode?: MessageMode; menu?: boolean; sandboxUrl?: string } = {}
): Promise<SandboxOfficialAccountCredentials | null> {
  const sandboxUrl = options.sandboxUrl ?? process.env.SANDBOX_URL
  if (!sandboxUrl) throw new Error('No sandbox is running (SANDBOX_URL is not set)')
  const accounts = OfficialAccounts.for(tenant)
  if ((await accounts.show()).account) return null

  const response = await fetch(`${sandboxUrl}/sandbox/wechat/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: tenant.name }),
  })
  if (!response.ok) throw new Error(`The sandbox refused to register an official account: ${await response.text()}`)
  const credentials = (await response.json()) as SandboxOfficialAccountCredentials

  const { appId, appSecret, token, encodingAesKey } = credentials
  await accounts.save({ appId, appSecret, token, encodingAesKey, messageMode: options.mode ?? 'safe' })
  const templateIdOf = (title: string) => credentials.templates.find((template) => template.title === title)!.templateId
  await MessageTemplates.for(tenant).save(
    Object.fromEntries(Object.entries(TEMPLATE_CHOICES).map(([event, choice]) => [event, { templateId: templateIdOf(choice.title), fields: choice.fields }]))
  )
  if (options.menu) {
    await CustomMenu.for(tenant).publish({
      buttons: [
        { name: '购票', action: 'buy_tickets' },
        { name: '我的门票', action: 'my_tickets' },
        {
          name: '场馆',
          children: [
            { name: '场馆介绍', action: 'venue_info', text: `${tenant.name}\n开放时间以购票页为准。Opening hours are on the ticket page.` },
            { name: '官网 Website', action: 'link', url: venueUrls(tenant).visitor },
          ],
        },
      ],
    })
  }
  return credentials
}
