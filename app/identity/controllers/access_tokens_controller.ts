import type { HttpContext } from '@adonisjs/core/http'
import StaffDirectory from '#identity/services/staff_directory'
import { createAccessTokenValidator } from '#identity/validators/access_token'

/** The signed-in staff member's own API tokens (session only: a token cannot manage tokens). */
export default class AccessTokensController {
  async index({ auth, tenant }: HttpContext) {
    return { tokens: await StaffDirectory.for(tenant!).tokensOf(auth.use('staff').getUserOrFail().id) }
  }

  async store({ auth, request, response, tenant }: HttpContext) {
    const input = await request.validateUsing(createAccessTokenValidator)
    const token = await StaffDirectory.for(tenant!).issueToken(auth.use('staff').getUserOrFail(), input)
    return response.created({ token })
  }

  async destroy({ auth, params, response, tenant }: HttpContext) {
    await StaffDirectory.for(tenant!).revokeToken(auth.use('staff').getUserOrFail().id, Number(params.id))
    return response.noContent()
  }
}
