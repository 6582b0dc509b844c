import vine from '@vinejs/vine'
import { passwordRule } from '#identity/validators/password'

export const visitorRegistrationValidator = vine.create({
  email: vine.string().trim().email().maxLength(254).normalizeEmail({ all_lowercase: true }),
  phone: vine.string().trim().regex(/^1[3-9]\d{9}$/).optional(),
  displayName: vine.string().trim().maxLength(60).optional(),
  password: passwordRule(),
})
