import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'

function zoneFields() {
  return {
    name: vine.string().trim().minLength(1).maxLength(100),
    kind: vine.enum(['area', 'hall'] as const),
  }
}

export const createZoneValidator = vine.create(zoneFields())

export const updateZoneValidator = vine.create(vine.helpers.optional(zoneFields()))

export type NewZone = Infer<typeof createZoneValidator>
export type ZoneChanges = Infer<typeof updateZoneValidator>
