import vine from '@vinejs/vine'

/** A visitor enrolls a ticket holder's face (the photo's content is checked by FaceEnrollments). */
export const enrollFaceValidator = vine.create({
  /** Base64 of a JPEG or PNG of at most 300 KB (a data: URL prefix is allowed). */
  photo: vine.string().minLength(1).maxLength(420_000),
  consent: vine.object({
    /** Must be true: consent to face check-in is asked separately and explicitly (PIPL art. 29). */
    accepted: vine.boolean({ strict: true }),
    /** The version of the consent text the holder was shown. */
    textVersion: vine.string().trim().minLength(1).maxLength(40),
  }),
  /** A parent or guardian consenting for a holder under 14 (PIPL art. 31). */
  guardian: vine
    .object({
      name: vine.string().trim().minLength(1).maxLength(40),
      relation: vine.string().trim().minLength(1).maxLength(20),
    })
    .optional(),
})

export const faceSyncValidator = vine.create({
  /** The previous sync's cursor; left out, a full sync. */
  since: vine.string().regex(/^\d{1,18}\.\d{1,15}$/).optional(),
})

export const faceRecordsValidator = vine.create({
  ticketId: vine.number().withoutDecimals().positive().optional(),
  limit: vine.number().withoutDecimals().range([1, 500]).optional(),
})
