import vine from '@vinejs/vine'
import { isVenuePermission } from '#identity/authz/permissions'

/** Lowercase letters, digits, `_` or `-` (like the built-in `box_office`); never a casbin subject (`staff:1`). */
const ROLE_KEY = /^[a-z][a-z0-9_-]{1,38}[a-z0-9]$/

/** Reports unknown permission names on the list itself, so clients see one error on `permissions`. */
const knownPermissions = vine.createRule((value, _options, field) => {
  if (!vine.helpers.isArray<unknown>(value)) return
  const unknown = value.filter((name) => typeof name !== 'string' || !isVenuePermission(name))
  if (unknown.length) field.report(`Unknown permission: ${unknown.join(', ')}`, 'knownPermissions', field)
})

/** A list of VENUE_PERMISSIONS names, each at most once (custom roles, token abilities). */
export function permissionList() {
  return vine.array(vine.string().trim()).use(knownPermissions()).distinct()
}

function roleFields() {
  return {
    name: vine.string().trim().minLength(1).maxLength(60),
    description: vine.string().trim().maxLength(300).optional(),
    permissions: permissionList(),
  }
}

export const createRoleValidator = vine.create({
  key: vine.string().trim().regex(ROLE_KEY),
  ...roleFields(),
})

/** PUT: the role's whole editable state (a missing description clears it). */
export const updateRoleValidator = vine.create(roleFields())
