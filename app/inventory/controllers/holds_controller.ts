import type { HttpContext } from '@adonisjs/core/http'
import { notFound } from '#core/app_error'
import InventoryService from '#inventory/services/inventory_service'
import { idNumberHash } from '#inventory/services/real_name'
import { holdValidator } from '#inventory/validators/hold'

/**
 * Visitor holds: capacity reserved while the visitor checks out. A hold's id is an unguessable
 * random UUID and acts as its bearer secret (carts work before sign-in, like pretix's).
 */
export default class HoldsController {
  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(holdValidator)
    const tenant = ctx.tenant!
    const visitor = (await ctx.auth.use('visitor').check()) ? ctx.auth.use('visitor').user : undefined
    const hold = await InventoryService.hold(tenant, {
      items: input.items,
      seats: input.seats,
      claims: input.holders?.map((holder) => ({ item: holder.item, idHash: idNumberHash(tenant.id, holder.idNumber) })),
      visitorId: visitor?.id ?? null,
    })
    return ctx.response.created({ hold })
  }

  async destroy({ params, tenant, response }: HttpContext) {
    if (!(await InventoryService.release(tenant!, String(params.id)))) throw notFound('No active hold with this id', 'E_HOLD_NOT_FOUND')
    return response.noContent()
  }
}
