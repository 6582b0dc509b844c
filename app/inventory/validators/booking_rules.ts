import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { recordId, wholeNumber } from '#catalog/validators/site'

/** PUT: the venue's whole set of booking rules; null turns a limit off. */
export const bookingRulesValidator = vine.create({
  maxHoldersPerAccount: wholeNumber(1),
  maxBookingsPer30Days: wholeNumber(1).nullable(),
  noShowLimit: wholeNumber(1).nullable(),
  noShowBlockDays: wholeNumber(1),
  /** Days after a session ends before its real-name data is deleted. */
  realNameRetentionDays: wholeNumber(1),
  /** How long a visitor's hold keeps its places (5 to 120 minutes). */
  holdMinutes: wholeNumber(5, 120),
  /** 退改审核: auto, a visitor's refund or change within the rules goes through at once; staff: staff decide each. Kept when left out. */
  refundApproval: vine.enum(['auto', 'staff'] as const).optional(),
  changeApproval: vine.enum(['auto', 'staff'] as const).optional(),
})

/** A no-show staff record by hand (check-in records them itself). */
export const noShowValidator = vine.create({
  sessionId: recordId(),
})

export type BookingRules = Infer<typeof bookingRulesValidator>
