/*
 * What the sandbox's WeChat remembers: the official accounts it registered, the tokens, tickets and
 * OAuth codes it issued, the menus it was given and the template messages it sent; and the few
 * WeChat users who can "sign in" on its authorize page.
 */
import { createHash, randomBytes } from 'node:crypto'
import { ALPHANUMERIC, randomText } from '#core/random_text'
import type { WechatMenuButton } from '#wechat/services/wechat_client'

export interface SandboxOfficialAccount {
  appId: string
  appSecret: string
  token: string
  encodingAesKey: string
  /** 原始ID, the ToUserName of the messages pushed to the account's server. */
  originalId: string
  name: string
  /** templateId → what it is: the templates "added from the library" in the WeChat admin. */
  templates: Record<string, LibraryTemplate>
  menu: WechatMenuButton[] | null
  /** stable_token with force_refresh: per Beijing day. */
  forcedRefreshes: { day: string; count: number }
}

export interface LibraryTemplate {
  title: string
  /** The keywords the template shows (thing: ≤ 20 characters, time, amount, character_string: ≤ 32). */
  keys: string[]
}

export interface IssuedToken {
  appId: string
  expiresAt: number
  /** Ended early: a forced refresh (40001 afterwards), or expired on request (42001). */
  ended?: 'revoked' | 'expired'
}

export interface WebToken {
  appId: string
  userId: string
  scope: string
  expiresAt: number
}

export interface AuthCode {
  appId: string
  userId: string
  scope: string
  expiresAt: number
  used: boolean
}

export interface TemplateSend {
  appId: string
  msgid: string
  touser: string
  templateId: string
  clientMsgId?: string
  url?: string
  data: Record<string, { value: string }>
  sentAt: number
}

export interface WechatApiBook {
  accounts: Record<string, SandboxOfficialAccount>
  /** access_token → what it is. */
  accessTokens: Record<string, IssuedToken>
  /** appId → the stable access_token now handed out. */
  current: Record<string, string>
  /** appId → the jsapi_ticket now handed out. */
  tickets: Record<string, { ticket: string; expiresAt: number }>
  webTokens: Record<string, WebToken>
  codes: Record<string, AuthCode>
  sends: TemplateSend[]
}

export const newBook = (): WechatApiBook => ({ accounts: {}, accessTokens: {}, current: {}, tickets: {}, webTokens: {}, codes: {}, sends: [] })

export const FAKE_USERS = [
  { id: 'zhangsan', nickname: '张三', sex: 1, province: '浙江', city: '杭州' },
  { id: 'lisi', nickname: '李四', sex: 2, province: '四川', city: '成都' },
  { id: 'wangwu', nickname: '王五', sex: 1, province: '北京', city: '北京' },
]

export type FakeUser = (typeof FAKE_USERS)[number]

const digest = (text: string) => createHash('sha256').update(text).digest('base64url')

/** A user's openid differs per official account, as WeChat's does (28 characters, starting with o). */
export const openidFor = (appId: string, userId: string) => `o${digest(`${appId}:${userId}`).slice(0, 27)}`

/** The same at every account of one open platform: the sandbox has one. */
export const unionidFor = (userId: string) => `oU${digest(`union:${userId}`).slice(0, 26)}`

export function userByOpenid(appId: string, openid: string): FakeUser | undefined {
  return FAKE_USERS.find((user) => openidFor(appId, user.id) === openid)
}


/** The template library a new account picks from (模板库), with the keywords of each. */
const TEMPLATE_LIBRARY: LibraryTemplate[] = [
  { title: '购票成功通知', keys: ['thing1', 'time2', 'character_string3', 'amount4'] },
  { title: '退款成功通知', keys: ['character_string1', 'amount2', 'thing3'] },
  { title: '游玩提醒', keys: ['thing1', 'time2', 'thing3'] },
  { title: '改签成功通知', keys: ['character_string1', 'thing2', 'time3'] },
]

export function newAccount(name: string): SandboxOfficialAccount {
  return {
    appId: `wx${randomBytes(8).toString('hex')}`,
    appSecret: randomBytes(16).toString('hex'),
    token: randomText(32, ALPHANUMERIC),
    encodingAesKey: randomText(43, ALPHANUMERIC),
    originalId: `gh_${randomBytes(6).toString('hex')}`,
    name,
    templates: Object.fromEntries(TEMPLATE_LIBRARY.map((template) => [randomText(43, `${ALPHANUMERIC}-_`), template])),
    menu: null,
    forcedRefreshes: { day: '', count: 0 },
  }
}
