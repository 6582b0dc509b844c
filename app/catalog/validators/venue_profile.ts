/*
 * The venue's profile, banners and custom domains as staff send them from the console.
 */
import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { recordId } from '#catalog/validators/site'

export const VENUE_LOCALES = ['zh-CN', 'en'] as const

/** Digits with the separators people write phone numbers with: 0571-6380 0000, +86 138 0013 8000. */
const PHONE = /^\+?[0-9][0-9 ()-]{2,28}[0-9]$/

/** A banner's target: an http(s) URL, or a path within the venue's pages ('/…' or the app's '#/…'). */
const bannerLink = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') return
  const isPath = /^(\/(?![/\\])|#\/)[^\s\\]*$/.test(value)
  let isWebUrl = false
  try {
    isWebUrl = ['http:', 'https:'].includes(new URL(value).protocol) && /^https?:\/\/[^\s\\]+$/i.test(value)
  } catch {}
  if (!isPath && !isWebUrl) {
    field.report('Use an http(s) address or a path within the venue, such as /buy/3', 'bannerLink', field)
  }
})

/** Each field given replaces the stored one; null clears it. Latitude and longitude go together. */
export const venueProfileValidator = vine.create(
  vine.helpers.optional({
    displayName: vine.string().trim().minLength(1).maxLength(100).nullable(),
    intro: vine.string().trim().maxLength(5000).nullable(),
    notice: vine.string().trim().maxLength(1000).nullable(),
    openingHours: vine.string().trim().maxLength(500).nullable(),
    address: vine.string().trim().maxLength(300).nullable(),
    latitude: vine.number().range([-90, 90]).nullable(),
    longitude: vine.number().range([-180, 180]).nullable(),
    phone: vine.string().trim().regex(PHONE).nullable(),
    themeColor: vine
      .string()
      .trim()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .transform((value) => value.toLowerCase()),
    logoImageId: recordId().nullable(),
    defaultLocale: vine.enum(VENUE_LOCALES),
    /** The setup wizard is done (true) or to be offered again (false); stored as when it was done. */
    onboardingCompleted: vine.boolean(),
  })
)

export const MAX_BANNERS = 8

/** The whole ordered list of banners, replaced at once. */
export const venueBannersValidator = vine.create({
  banners: vine
    .array(
      vine.object({
        imageId: recordId(),
        link: vine.string().trim().maxLength(500).use(bannerLink()).nullable().optional(),
        alt: vine.string().trim().maxLength(100).optional(),
      })
    )
    .maxLength(MAX_BANNERS),
})

/** A custom domain (绑定域名); the service checks what the host may be. */
export const venueDomainValidator = vine.create({
  host: vine.string().trim().minLength(1).maxLength(260),
})

export type VenueProfileChanges = Infer<typeof venueProfileValidator>
export type VenueBannerInput = Infer<typeof venueBannersValidator>['banners'][number]
