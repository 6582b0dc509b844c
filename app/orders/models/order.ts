import { DateTime } from 'luxon'
import { column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { TenantModel } from '#tenancy/models/tenant_model'
import OrderTicket from '#orders/models/order_ticket'

export type OrderStatus =
  | 'pending_payment'
  | 'issued'
  | 'partially_used'
  | 'used'
  | 'refunding'
  | 'partially_refunded'
  | 'refunded'
  | 'cancelled'
  | 'expired'

export default class Order extends TenantModel {
  static table = 'orders'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare number: string

  @column()
  declare status: OrderStatus

  @column()
  declare visitorId: number | null

  @column()
  declare salesChannel: string

  @column()
  declare contactName: string | null

  @column()
  declare contactPhone: string | null

  @column()
  declare totalAmount: number

  /** The coupon's order-level discount (fen): totalAmount is the tickets' prices less this. */
  @column()
  declare discountAmount: number

  @column()
  declare couponCode: string | null

  @column()
  declare paidAmount: number

  @column()
  declare refundedAmount: number

  @column()
  declare holdId: string

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare paidAt: DateTime | null

  @column.dateTime()
  declare closedAt: DateTime | null

  @column({ serializeAs: null })
  declare idempotencyKey: string | null

  @column({ serializeAs: null })
  declare requestDigest: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => OrderTicket)
  declare tickets: HasMany<typeof OrderTicket>
}
