import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { wholeNumber } from '#catalog/validators/site'
import { productIds } from '#catalog/validators/product'

/** A quota: its name, how many it admits, and the products drawing on it (of the session's site). */
export function quotaFields() {
  return {
    name: vine.string().trim().minLength(1).maxLength(100),
    capacity: wholeNumber(0),
    productIds: productIds(),
  }
}

export const createQuotaValidator = vine.create(quotaFields())

export const updateQuotaValidator = vine.create(vine.helpers.optional(quotaFields()))

export type QuotaTemplate = Infer<typeof createQuotaValidator>
export type QuotaChanges = Infer<typeof updateQuotaValidator>
