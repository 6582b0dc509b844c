import vine from '@vinejs/vine'
import { WEBHOOK_EVENTS } from '#members/services/webhooks'

/** http(s) only, with a host (an internal name like `erp` included: venues run their own networks). */
const url = () => vine.string().trim().maxLength(500).url({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
const events = () => vine.array(vine.enum(WEBHOOK_EVENTS)).minLength(1).distinct()
const description = () => vine.string().trim().maxLength(200).nullable()

export const createWebhookValidator = vine.create({
  url: url(),
  description: description().optional(),
  events: events(),
})

export const updateWebhookValidator = vine.create({
  url: url().optional(),
  description: description().optional(),
  events: events().optional(),
  status: vine.enum(['active', 'disabled'] as const).optional(),
})

export const deliverySearchValidator = vine.create({
  status: vine.enum(['pending', 'delivered', 'failed'] as const).optional(),
  eventType: vine.enum(WEBHOOK_EVENTS).optional(),
  limit: vine.number().withoutDecimals().range([1, 500]).optional(),
})
