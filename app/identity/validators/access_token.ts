import vine from '@vinejs/vine'
import { permissionList } from '#identity/validators/role'

export const createAccessTokenValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(100),
  /** Omitted: everything the owner's roles allow. */
  abilities: permissionList().minLength(1).optional(),
  expiresInDays: vine.number().withoutDecimals().range([1, 365]).optional(),
})
