import type { HttpContext } from '@adonisjs/core/http'
import StaffDirectory, { type Grantor } from '#identity/services/staff_directory'
import type StaffUser from '#identity/models/staff_user'
import authorization from '#identity/authz/authorization_service'
import { createStaffValidator, updateStaffValidator } from '#identity/validators/staff'

/** The signed-in staff member as a grantor: their roles, narrowed by their token's abilities if any. */
function grantor({ auth, tenant }: HttpContext): Grantor {
  const user = auth.getUserOrFail() as StaffUser
  const token = auth.authenticatedViaGuard === 'staff_api' ? auth.use('staff_api').getUserOrFail().currentAccessToken : undefined
  return {
    holds: async (permission) => (token?.allows(permission) ?? true) && authorization.staffAllows(tenant!, user.id, permission),
  }
}

/** Venue staff accounts (console). */
export default class StaffController {
  async index({ tenant }: HttpContext) {
    return { staff: await StaffDirectory.for(tenant!).list() }
  }

  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(createStaffValidator)
    const staff = await StaffDirectory.for(ctx.tenant!).create(input, grantor(ctx))
    return ctx.response.created({ staff })
  }

  async update(ctx: HttpContext) {
    const changes = await ctx.request.validateUsing(updateStaffValidator)
    return { staff: await StaffDirectory.for(ctx.tenant!).update(Number(ctx.params.id), changes, grantor(ctx)) }
  }
}
