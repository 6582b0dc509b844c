import vine from '@vinejs/vine'

/** The welcome text and the whole list of keyword replies (replaced at once). */
export const autoRepliesValidator = vine.create({
  welcomeText: vine.string().trim().maxLength(600).nullable(),
  keywords: vine
    .array(
      vine.object({
        keyword: vine.string().trim().minLength(1).maxLength(30),
        match: vine.enum(['exact', 'contains'] as const),
        reply: vine.string().trim().minLength(1).maxLength(600),
      })
    )
    .maxLength(200)
    .distinct(['keyword', 'match']),
})
