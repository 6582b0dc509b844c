import vine from '@vinejs/vine'
import type { DayKind } from '#catalog/models/price_rule'
import { nullableIsoDay } from '#catalog/validators/calendar_day'

const DAY_KINDS = ['any', 'weekday', 'weekend', 'holiday'] as const satisfies readonly DayKind[]

/** Integer fen within the range of the integer columns that store it. */
const fen = () => vine.number().withoutDecimals().range([0, 2_147_483_647])

/** Whether the session exists and the dates are in order is checked by PriceRulesAdmin. */
function ruleFields() {
  return {
    sessionId: vine.number().withoutDecimals().positive().nullable().optional(),
    dateFrom: nullableIsoDay(),
    dateTo: nullableIsoDay(),
    dayKind: vine.enum(DAY_KINDS).optional(),
    memberPrice: fen().nullable().optional(),
  }
}

export const createPriceRuleValidator = vine.create({ ...ruleFields(), price: fen() })

/** PATCH: only the fields given change; null clears a condition or the member price. */
export const updatePriceRuleValidator = vine.create({ ...ruleFields(), price: fen().optional() })
