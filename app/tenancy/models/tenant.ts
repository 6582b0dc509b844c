import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { tenantSchemaName } from '#tenancy/services/tenant_database'

export const VENUE_TYPES = ['scenic', 'theatre', 'exhibition', 'museum'] as const
export type VenueType = (typeof VENUE_TYPES)[number]
export type TenantStatus = 'pending' | 'active' | 'suspended'

/** A venue operator's account on the platform (public schema). Its data lives in `schemaName`. */
export default class Tenant extends BaseModel {
  static table = 'tenants'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare slug: string

  @column()
  declare name: string

  @column()
  declare venueType: VenueType

  @column()
  declare status: TenantStatus

  @column()
  declare contactName: string

  @column()
  declare contactPhone: string

  @column()
  declare email: string

  @column.dateTime()
  declare approvedAt: DateTime | null

  @column.dateTime()
  declare suspendedAt: DateTime | null

  @column()
  declare suspensionReason: string | null

  @column()
  declare schemaVersion: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** Derived from the id, so it can never disagree with it. */
  get schemaName(): string {
    return tenantSchemaName(this.id)
  }

  get isOpen(): boolean {
    return this.status === 'active'
  }
}
