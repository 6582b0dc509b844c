import vine from '@vinejs/vine'
import { mobilePhone } from '#orders/validators/order'

/** A path on this site to return to: never another site (no scheme, no //host, no backslash). */
const localPath = () =>
  vine
    .string()
    .trim()
    .maxLength(500)
    .regex(/^\/(?![/\\])[^\s\\]*$/)

/** GET …/wechat/login?scope=&returnTo= */
export const wechatLoginValidator = vine.create({
  scope: vine.enum(['snsapi_base', 'snsapi_userinfo'] as const).optional(),
  returnTo: localPath().optional(),
})

/** GET …/wechat/callback?code=&state= (no code: the visitor refused). */
export const wechatCallbackValidator = vine.create({
  state: vine.string().trim().maxLength(128),
  code: vine.string().trim().maxLength(128).optional(),
})

export const phoneCodeValidator = vine.create({
  phone: mobilePhone(),
})

/** Its own rule, not a regex: the shared message for `code.regex` speaks of authenticator apps. */
const smsCode = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && !/^\d{6}$/.test(value)) field.report('Enter the 6-digit code sent to your phone', 'smsCode', field)
})

export const phoneLoginValidator = vine.create({
  phone: mobilePhone(),
  code: vine.string().trim().use(smsCode()),
})
