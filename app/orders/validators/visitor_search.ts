import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'

/** 游客 at the console: a phone number (whole, or its last digits) or part of a name. */
export const visitorSearchValidator = vine.create({
  q: vine.string().trim().maxLength(40).optional(),
  page: vine.number().withoutDecimals().min(1).optional(),
  perPage: vine.number().withoutDecimals().range([1, 100]).optional(),
})

export type VisitorSearch = Infer<typeof visitorSearchValidator>
