import type { HttpContext } from '@adonisjs/core/http'
import { invalid, notFound } from '#core/app_error'
import InventoryService from '#inventory/services/inventory_service'
import BookingPolicy from '#inventory/services/booking_policy'
import { idNumberHash } from '#inventory/services/real_name'
import { holdValidator } from '#inventory/validators/hold'
import { isStatelessRequest } from '#core/middleware/stateful_middleware'

/**
 * Visitor holds: capacity reserved while the visitor checks out. A hold's id is an unguessable
 * random UUID and acts as its bearer secret (carts work before sign-in, like pretix's).
 */
export default class HoldsController {
  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(holdValidator)
    const tenant = ctx.tenant!
    // A cookie-less call has no session: it is an anonymous buyer.
    const visitor = !isStatelessRequest(ctx) && (await ctx.auth.use('visitor').check()) ? ctx.auth.use('visitor').user : undefined
    const request = {
      items: input.items,
      seats: input.seats,
      claims: input.holders?.map((holder) => ({ item: holder.item, idHash: idNumberHash(tenant.id, holder.idNumber) })),
      visitorId: visitor?.id ?? null,
    }
    if (input.bestAvailable && input.seats?.length) throw invalid('bestAvailable', 'Choose seats or ask for the best available, not both')
    const policy = BookingPolicy.for(tenant)
    const hold = input.bestAvailable ? await policy.holdBestAvailable(request, input.bestAvailable) : await policy.hold(request)
    return ctx.response.created({ hold })
  }

  async destroy({ params, tenant, response }: HttpContext) {
    if (!(await InventoryService.release(tenant!, String(params.id)))) throw notFound('No active hold with this id', 'E_HOLD_NOT_FOUND')
    return response.noContent()
  }
}
