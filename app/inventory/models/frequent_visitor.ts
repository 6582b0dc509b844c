import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import { column, computed } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'
import { maskIdNumber } from '#identity/audit/masking'

export const ID_TYPES = ['mainland_id'] as const
export type IdType = (typeof ID_TYPES)[number]

/**
 * A real-name holder (常用游客) a visitor books tickets for. The ID number is kept encrypted and
 * leaves the model only masked (110101********1234); its keyed hash finds the same ID again.
 */
export default class FrequentVisitor extends TenantModel {
  static table = 'frequent_visitors'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare visitorId: number

  @column()
  declare name: string

  @column()
  declare idType: IdType

  @column({ serializeAs: null })
  declare idNumberEncrypted: string

  @column({ serializeAs: null })
  declare idNumberHash: string

  @computed()
  get idNumberMasked() {
    const idNumber = encryption.decrypt<string>(this.idNumberEncrypted)
    // Only a lost or wrong app key gets here: fail loudly rather than show a blank ID.
    if (idNumber === null) throw new Error(`Frequent visitor ${this.id}: the ID number does not decrypt with the app keys`)
    return maskIdNumber(idNumber)
  }

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
