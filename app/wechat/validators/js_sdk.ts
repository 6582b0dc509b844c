import vine from '@vinejs/vine'

/** GET /api/wechat/js-config?url= : the page's full URL as the browser has it (location.href). */
export const jsSdkConfigValidator = vine.create({
  url: vine
    .string()
    .trim()
    .url({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
    .maxLength(1000),
})
