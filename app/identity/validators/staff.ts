import vine from '@vinejs/vine'
import { passwordRule } from '#identity/validators/password'

const MOBILE = /^1[3-9]\d{9}$/

/** Role keys; whether they exist is checked against the venue's roles (StaffDirectory). */
function roleKeys() {
  return vine.array(vine.string().trim()).minLength(1).distinct()
}

export const createStaffValidator = vine.create({
  fullName: vine.string().trim().minLength(1).maxLength(60),
  email: vine.string().trim().email().maxLength(254).toLowerCase(),
  phone: vine.string().trim().regex(MOBILE).optional(),
  password: passwordRule(),
  roles: roleKeys(),
})

export const updateStaffValidator = vine.create({
  fullName: vine.string().trim().minLength(1).maxLength(60).optional(),
  /** null clears the number. */
  phone: vine.string().trim().regex(MOBILE).nullable().optional(),
  status: vine.enum(['active', 'disabled'] as const).optional(),
  roles: roleKeys().optional(),
})
