import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

export type TicketStatus = 'reserved' | 'valid' | 'used' | 'refunding' | 'refunded' | 'changed' | 'void'

/** One admission of an order (a group ticket admits its party). */
export default class OrderTicket extends TenantModel {
  static table = 'order_tickets'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare orderId: number

  @column()
  declare productId: number

  @column()
  declare sessionId: number

  @column()
  declare seatId: number | null

  @column()
  declare holdId: string

  @column()
  declare price: number

  @column()
  declare status: TicketStatus

  @column()
  declare holderName: string | null

  @column()
  declare holderIdType: string | null

  /** Encrypted; never serialized. */
  @column({ serializeAs: null })
  declare holderIdNumber: string | null

  @column({ serializeAs: null })
  declare holderIdHash: string | null

  @column()
  declare holderIdMasked: string | null

  @column()
  declare holderPhone: string | null

  @column()
  declare replacesId: number | null

  /** People this ticket admits (a group's party). */
  @column()
  declare partySize: number

  @column()
  declare admitted: number

  @column()
  declare entriesUsed: number

  @column()
  declare inside: boolean

  @column({ serializeAs: null })
  declare secretSerial: number

  @column.dateTime()
  declare lastEntryAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
