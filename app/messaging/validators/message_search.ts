import vine from '@vinejs/vine'

export const messageSearchValidator = vine.create({
  recipient: vine.string().trim().maxLength(254).optional(),
  channel: vine.enum(['sms', 'email', 'wechat_template'] as const).optional(),
  status: vine.enum(['pending', 'sent', 'failed'] as const).optional(),
  orderId: vine.number().withoutDecimals().positive().optional(),
  limit: vine.number().withoutDecimals().range([1, 500]).optional(),
})
