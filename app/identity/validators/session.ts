import vine from '@vinejs/vine'

export const loginValidator = vine.create({
  email: vine.string().trim().email().maxLength(254),
  password: vine.string().minLength(1).maxLength(128),
})

export const codeValidator = vine.create({
  code: vine.string().trim().regex(/^\d{6}$/),
})
