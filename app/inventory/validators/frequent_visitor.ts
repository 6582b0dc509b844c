import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { ID_TYPES } from '#inventory/models/frequent_visitor'
import { isValidMainlandId, normalizeIdNumber } from '#inventory/services/real_name'

const mainlandId = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && !isValidMainlandId(value)) {
    field.report('Enter a valid mainland ID number (18 characters, check digit included)', 'idNumber', field)
  }
})

/** A mainland resident ID number, checksum included, in its normal form (no spaces, upper-case X). */
export function mainlandIdNumber() {
  return vine.string().trim().use(mainlandId()).transform(normalizeIdNumber)
}

export const frequentVisitorValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(40),
  idType: vine.enum(ID_TYPES).optional(),
  idNumber: mainlandIdNumber(),
})

export type NewFrequentVisitor = Infer<typeof frequentVisitorValidator>
