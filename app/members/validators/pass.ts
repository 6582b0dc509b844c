import vine from '@vinejs/vine'

const nonZero = vine.createRule((value, _options, field) => {
  if (value === 0) field.report('Give a number of days other than 0', 'nonZero', field)
})

const reason = () => vine.string().trim().minLength(1).maxLength(200)

/** Staff's pass search: by holder (name, phone, ID number or its last four) and status. */
export const passQueryValidator = vine.create({
  q: vine.string().trim().maxLength(40).optional(),
  status: vine.enum(['pending_activation', 'active', 'expired', 'suspended', 'revoked'] as const).optional(),
  limit: vine.number().withoutDecimals().range([1, 500]).optional(),
})

/** Suspend, resume or revoke: always with why. */
export const passReasonValidator = vine.create({ reason: reason() })

/** Days more (or fewer, negative) of validity, with why. */
export const passExtendValidator = vine.create({
  days: vine.number().withoutDecimals().range([-3660, 3660]).use(nonZero()),
  reason: reason(),
})
