import type { HttpContext } from '@adonisjs/core/http'
import Webhooks from '#members/services/webhooks'
import { createWebhookValidator, deliverySearchValidator, updateWebhookValidator } from '#members/validators/webhook'

/** The venue's webhook endpoints, their delivery log and manual redelivery. A secret is answered only when made. */
export default class WebhooksController {
  async index(ctx: HttpContext) {
    return { endpoints: await Webhooks.for(ctx.tenant!).list() }
  }

  async show(ctx: HttpContext) {
    return { endpoint: await Webhooks.for(ctx.tenant!).show(Number(ctx.params.id)) }
  }

  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(createWebhookValidator)
    ctx.response.status(201)
    return Webhooks.for(ctx.tenant!).create(input)
  }

  async update(ctx: HttpContext) {
    const changes = await ctx.request.validateUsing(updateWebhookValidator)
    return { endpoint: await Webhooks.for(ctx.tenant!).update(Number(ctx.params.id), changes) }
  }

  async rotateSecret(ctx: HttpContext) {
    return Webhooks.for(ctx.tenant!).rotateSecret(Number(ctx.params.id))
  }

  async deliveries(ctx: HttpContext) {
    const filters = await deliverySearchValidator.validate(ctx.request.qs())
    return { deliveries: await Webhooks.for(ctx.tenant!).deliveries(Number(ctx.params.id), filters) }
  }

  async redeliver(ctx: HttpContext) {
    return { delivery: await Webhooks.for(ctx.tenant!).redeliver(Number(ctx.params.id)) }
  }
}
