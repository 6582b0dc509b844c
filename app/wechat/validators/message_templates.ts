import vine from '@vinejs/vine'
import { TEMPLATE_EVENTS } from '#wechat/services/template_messages'

const setting = () =>
  vine
    .object({
      /** The template id shown in the WeChat admin (模板消息 → 我的模板). */
      templateId: vine.string().trim().regex(/^[A-Za-z0-9_-]{10,64}$/),
      /** Template keyword (thing1, time2, ...) → our variable (productName, visitDate, ...). */
      fields: vine.record(vine.string().trim().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/)).optional(),
    })
    .optional()

/** The template per event; an event left out sends nothing. */
export const messageTemplatesValidator = vine.create(Object.fromEntries(TEMPLATE_EVENTS.map((event) => [event, setting()])) as Record<(typeof TEMPLATE_EVENTS)[number], ReturnType<typeof setting>>)
