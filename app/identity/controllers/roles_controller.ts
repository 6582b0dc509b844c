import type { HttpContext } from '@adonisjs/core/http'
import RoleCatalog from '#identity/services/role_catalog'
import { createRoleValidator, updateRoleValidator } from '#identity/validators/role'

/** The venue's roles and the permissions they are made of (console). */
export default class RolesController {
  async permissions() {
    return { permissions: RoleCatalog.permissions() }
  }

  async index({ tenant }: HttpContext) {
    return { roles: await RoleCatalog.for(tenant!).list() }
  }

  async store({ request, response, tenant }: HttpContext) {
    const { key, ...definition } = await request.validateUsing(createRoleValidator)
    return response.created({ role: await RoleCatalog.for(tenant!).create(key, definition) })
  }

  async update({ request, params, tenant }: HttpContext) {
    const definition = await request.validateUsing(updateRoleValidator)
    return { role: await RoleCatalog.for(tenant!).update(params.key, definition) }
  }

  async destroy({ params, response, tenant }: HttpContext) {
    await RoleCatalog.for(tenant!).delete(params.key)
    return response.noContent()
  }
}
