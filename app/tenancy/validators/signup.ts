import vine from '@vinejs/vine'
import { VENUE_TYPES } from '#tenancy/models/tenant'
import { RESERVED_SLUGS } from '#tenancy/reserved_slugs'
import { passwordRule } from '#identity/validators/password'

/** Self-service venue sign-up. */
export const signupValidator = vine.create({
  venueName: vine.string().trim().minLength(2).maxLength(100),
  venueType: vine.enum(VENUE_TYPES),
  slug: vine
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/)
    .notIn(RESERVED_SLUGS)
    .unique(async (db, value) => !(await db.from('tenants').where('slug', value).first())),
  contactName: vine.string().trim().minLength(1).maxLength(60),
  /** Mainland mobile number. */
  contactPhone: vine.string().trim().regex(/^1[3-9]\d{9}$/),
  email: vine.string().trim().email().maxLength(254).normalizeEmail({ all_lowercase: true }),
  password: passwordRule(),
})
