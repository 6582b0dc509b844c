import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

/** A visitor's openid at one of the venue's official accounts (unionid: the same person across them). */
export default class WechatIdentity extends TenantModel {
  static table = 'wechat_identities'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare visitorId: number

  @column()
  declare appId: string

  @column()
  declare openid: string

  @column()
  declare unionid: string | null

  @column()
  declare nickname: string | null

  @column()
  declare avatarUrl: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime()
  declare lastLoginAt: DateTime | null
}
