import vine from '@vinejs/vine'
import { mainlandIdNumber } from '#inventory/validators/frequent_visitor'

const id = () => vine.number().withoutDecimals().positive()

/** A real-name holder; `item` is the index of the item they hold a ticket of. */
export const holderProperties = () => ({
  item: vine.number().withoutDecimals().min(0),
  name: vine.string().trim().minLength(1).maxLength(40),
  idNumber: mainlandIdNumber(),
})

/** What a visitor asks to hold; an order (checkout) asks the same and more. */
export const holdFields = () => ({
  items: vine
    .array(vine.object({ productId: id(), sessionId: id(), quantity: vine.number().withoutDecimals().min(1).max(100) }))
    .minLength(1)
    .maxLength(20),
  seats: vine.array(vine.object({ sessionId: id(), seatId: id() })).maxLength(100).optional(),
  /** Let the venue choose: the best seats available for the items of this session. */
  bestAvailable: vine.object({ sessionId: id(), accessible: vine.boolean().optional() }).optional(),
  holders: vine.array(vine.object(holderProperties())).maxLength(100).optional(),
})

export const holdValidator = vine.create(holdFields())

/** A voucher code: its reserved places count as available to its holder (docs/members.md). */
const voucher = () => vine.string().trim().maxLength(40).optional()

export const availabilityValidator = vine.create({
  from: vine.date({ formats: ['YYYY-MM-DD'] }),
  to: vine.date({ formats: ['YYYY-MM-DD'] }).afterOrSameAs('from'),
  voucher: voucher(),
})

export const sessionsOfDayValidator = vine.create({
  date: vine.date({ formats: ['YYYY-MM-DD'] }),
  voucher: voucher(),
})
