import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

export type RefundStatus = 'requested' | 'rejected' | 'processing' | 'succeeded' | 'failed' | 'abnormal'
export type RefundKind = 'visitor' | 'staff' | 'change' | 'surplus'

export default class Refund extends TenantModel {
  static table = 'refunds'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare orderId: number

  @column()
  declare paymentId: number | null

  @column()
  declare outRefundNo: string

  @column()
  declare amount: number

  @column()
  declare fee: number

  @column()
  declare status: RefundStatus

  @column()
  declare kind: RefundKind

  @column()
  declare reason: string | null

  @column({ prepare: (ids: number[]) => ids, consume: (ids: (string | number)[]) => ids.map(Number) })
  declare ticketIds: number[]

  @column()
  declare requestedBy: string | null

  @column()
  declare decidedBy: string | null

  @column()
  declare overrideReason: string | null

  @column()
  declare channelRefundNo: string | null

  @column.dateTime()
  declare decidedAt: DateTime | null

  @column.dateTime()
  declare completedAt: DateTime | null

  @column.dateTime()
  declare nextQueryAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
