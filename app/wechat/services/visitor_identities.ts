/*
 * Which visitor account of this venue a WeChat user is. Identities live in the venue's schema, so
 * the same person at two venues is two accounts, each knowing only its own openid.
 */
import { DateTime } from 'luxon'
import Visitor from '#identity/models/visitor'
import { auditLog } from '#identity/audit/audit_log'
import WechatIdentity from '#wechat/models/wechat_identity'
import type { TenantTransaction } from '#tenancy/services/tenant_database'

export interface WechatProfile {
  appId: string
  openid: string
  unionid?: string
  nickname?: string
  avatarUrl?: string
}

/**
 * The visitor for `profile`: the one with this openid; else the one with this unionid (the venue
 * changed official account); else `signedIn`, the visitor already signed in at this venue in this
 * browser (e.g. by phone code), who thereby links WeChat to their account; else a new visitor.
 */
export async function visitorForWechat(trx: TenantTransaction, profile: WechatProfile, signedIn?: Visitor | null): Promise<Visitor> {
  const known = await WechatIdentity.query({ client: trx }).where('app_id', profile.appId).where('openid', profile.openid).forUpdate().first()
  const details = { unionid: profile.unionid ?? known?.unionid ?? null, nickname: profile.nickname?.slice(0, 60) ?? known?.nickname ?? null, avatarUrl: profile.avatarUrl?.slice(0, 500) ?? known?.avatarUrl ?? null, lastLoginAt: DateTime.now() }
  const visitor = known ? await Visitor.findOrFail(known.visitorId, { client: trx }) : await linkedVisitor(trx, profile, details.nickname, signedIn)
  if (known) await known.merge(details).save()
  else await WechatIdentity.create({ visitorId: visitor.id, appId: profile.appId, openid: profile.openid, ...details }, { client: trx })
  if (!visitor.displayName && details.nickname) await visitor.merge({ displayName: details.nickname }).save()
  return visitor
}

/** The account a new openid joins: by unionid, else the signed-in visitor (unless linked to another openid), else a new one. */
async function linkedVisitor(trx: TenantTransaction, profile: WechatProfile, nickname: string | null, signedIn?: Visitor | null): Promise<Visitor> {
  const sameUnion = profile.unionid ? await WechatIdentity.query({ client: trx }).where('unionid', profile.unionid).orderBy('id').first() : null
  const linkable = signedIn && !(await WechatIdentity.query({ client: trx }).where('app_id', profile.appId).where('visitor_id', signedIn.id).first()) ? signedIn : null
  let visitor = sameUnion ? await Visitor.findOrFail(sameUnion.visitorId, { client: trx }) : linkable
  if (!visitor) {
    visitor = await Visitor.create({ displayName: nickname, status: 'active' }, { client: trx })
    await auditLog.tenant(trx, { action: 'visitor.registered', subjectType: 'visitor', subjectId: visitor.id, after: visitor.serialize(), meta: { via: 'wechat' }, actor: { type: 'visitor', id: visitor.id } })
  }
  await auditLog.tenant(trx, { action: 'visitor.wechat_linked', subjectType: 'visitor', subjectId: visitor.id, meta: { appId: profile.appId, openid: profile.openid }, actor: { type: 'visitor', id: visitor.id } })
  return visitor
}

/** The visitor's openid at the venue's current official account (for JSAPI payments and template messages), if known. */
export async function openidOf(trx: TenantTransaction, visitorId: number): Promise<string | null> {
  const identity = await WechatIdentity.query({ client: trx })
    .where('visitor_id', visitorId)
    .whereIn('app_id', trx.from('wechat_accounts').select('app_id'))
    .select('openid')
    .first()
  return identity?.openid ?? null
}
