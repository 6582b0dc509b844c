import vine from '@vinejs/vine'
import { holdFields, holderProperties } from '#inventory/validators/hold'
import { couponCode, idempotencyKey, mobilePhone } from '#orders/validators/order'

/**
 * A sale at the box office (售票窗口): what the visitor's checkout asks, less what needs a signed-in
 * visitor (saved holders, points); a coupon or voucher the buyer brings is typed in. The contact is
 * optional: a walk-in without a phone gets the tickets printed (no SMS).
 */
export const boxOfficeOrderValidator = vine.create({
  ...holdFields(),
  holders: vine
    .array(vine.object({ ...holderProperties(), phone: mobilePhone().optional() }))
    .maxLength(100)
    .optional(),
  couponCode: couponCode(),
  contact: vine
    .object({
      name: vine.string().trim().minLength(1).maxLength(40).optional(),
      phone: mobilePhone().optional(),
    })
    .optional(),
})

/** The desk's Idempotency-Key: stored under the clerk's own prefix (BoxOffice.sell), so at most 64 characters. */
export const boxOfficeKeyValidator = vine.create({ key: idempotencyKey(64) })

/** A QR code to show the buyer: the channel, and its QR method (the only one the desk accepts) if named. */
export const boxOfficePaymentValidator = vine.create({
  channel: vine.string().trim().maxLength(20),
  method: vine.string().trim().maxLength(12).optional(),
})
