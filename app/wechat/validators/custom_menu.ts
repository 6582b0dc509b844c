import vine from '@vinejs/vine'
import { MENU_ACTIONS } from '#wechat/services/custom_menu'

/** WeChat counts a menu name's length in UTF-8 bytes (a Chinese character is 3). */
const maxBytes = vine.createRule((value, max: number, field) => {
  if (typeof value === 'string' && Buffer.byteLength(value) > max) {
    field.report(`The {{ field }} field must not be longer than ${max} bytes (${Math.floor(max / 3)} Chinese characters)`, 'maxBytes', field)
  }
})

const item = (nameBytes: number) => ({
  name: vine.string().trim().minLength(1).use(maxBytes(nameBytes)),
  action: vine.enum(MENU_ACTIONS).optional(),
  url: vine
    .string()
    .trim()
    .url({ protocols: ['http', 'https'], require_protocol: true })
    .maxLength(1024)
    .optional()
    .requiredWhen('action', '=', 'link'),
  text: vine.string().trim().minLength(1).maxLength(600).optional().requiredWhen('action', '=', 'venue_info'),
})

/** 1 to 3 buttons, each an action or 1 to 5 sub-buttons (names: 16 and 60 bytes, as WeChat allows). */
export const customMenuValidator = vine.create({
  buttons: vine
    .array(
      vine.object({
        ...item(16),
        children: vine
          .array(vine.object({ ...item(60), action: vine.enum(MENU_ACTIONS) }))
          .minLength(1)
          .maxLength(5)
          .optional(),
      })
    )
    .minLength(1)
    .maxLength(3),
})
