/*
 * Login fields every identity shares (database/schema_helpers.ts#credentialColumns): platform
 * staff, venue staff and visitors authenticate through the same LoginService.
 */
import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import type { NormalizeConstructor } from '@adonisjs/core/types/helpers'
import type { BaseModel } from '@adonisjs/lucid/orm'

export type AccountStatus = 'active' | 'disabled'

export function withCredentials<T extends NormalizeConstructor<typeof BaseModel>>(superclass: T) {
  class ModelWithCredentials extends superclass {
    @column({ isPrimary: true })
    declare id: number

    @column()
    declare email: string | null

    @column({ serializeAs: null })
    declare password: string | null

    @column()
    declare status: AccountStatus

    @column({ serializeAs: null })
    declare failedLoginCount: number

    @column.dateTime()
    declare lockedUntil: DateTime | null

    @column({ serializeAs: null })
    declare sessionEpoch: number

    @column({ serializeAs: null })
    declare totpSecret: string | null

    @column.dateTime()
    declare totpEnabledAt: DateTime | null

    @column({ serializeAs: null })
    declare totpLastStep: number | null

    @column.dateTime()
    declare lastLoginAt: DateTime | null

    @column.dateTime({ autoCreate: true })
    declare createdAt: DateTime

    @column.dateTime({ autoCreate: true, autoUpdate: true })
    declare updatedAt: DateTime

    get isLocked(): boolean {
      return Boolean(this.lockedUntil && this.lockedUntil > DateTime.now())
    }

    get hasTwoFactor(): boolean {
      return Boolean(this.totpEnabledAt && this.totpSecret)
    }
  }
  return ModelWithCredentials
}
