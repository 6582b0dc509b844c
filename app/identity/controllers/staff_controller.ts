import type { HttpContext } from '@adonisjs/core/http'
import StaffDirectory, { type Grantor } from '#identity/services/staff_directory'
import { accountHolds } from '#identity/middleware/authorize_middleware'
import { createStaffValidator, updateStaffValidator } from '#identity/validators/staff'

/** The signed-in member as a grantor: what they may do, tokens narrowed by their abilities. */
const grantor = (ctx: HttpContext): Grantor => ({ holds: (permission) => accountHolds(ctx, permission) })

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
