import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'
import type { ChannelKind, PaymentStart } from '#payments/channel'

/** One attempt to pay an order at a channel. */
export default class Payment extends TenantModel {
  static table = 'payments'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare orderId: number

  /** The change (改签) whose price difference this pays, if any. */
  @column()
  declare changeId: number | null

  @column()
  declare channel: ChannelKind

  @column()
  declare method: string

  @column()
  declare outTradeNo: string

  @column()
  declare merchantId: string

  @column()
  declare amount: number

  @column()
  declare status: 'pending' | 'paid' | 'closed'

  @column()
  declare channelTradeNo: string | null

  /** What the visitor's browser needs to pay (jsapi parameters, a URL, a form). */
  @column()
  declare start: PaymentStart | Record<string, never>

  @column.dateTime()
  declare paidAt: DateTime | null

  @column.dateTime()
  declare closedAt: DateTime | null

  @column.dateTime()
  declare nextQueryAt: DateTime | null

  @column()
  declare queryCount: number

  @column()
  declare surplus: boolean

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
