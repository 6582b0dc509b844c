/*
 * A pass product (年卡) in the catalog: kind 'annual_pass' with its rules, and only then. It is
 * sold like an open-date product (a standing open-date session's quota is how many are for sale),
 * bound to a real-name holder, and never changed to another session (改签): a pass has no day.
 */
import { invalid } from '#core/app_error'
import type Product from '#catalog/models/product'
import type { PassRules } from '#members/services/pass_rules'
import type { TenantTransaction } from '#tenancy/services/tenant_database'

type PassRulesInput = Omit<PassRules, 'blackoutDates'> & { blackoutDates: { from: string; to?: string }[] }

/** The rules as stored: every blackout a range (a single day has to = from). */
export function normalizePassRules(input: PassRulesInput | null | undefined): PassRules | null | undefined {
  if (!input) return input
  return { ...input, blackoutDates: input.blackoutDates.map((range) => ({ from: range.from, to: range.to ?? range.from })) }
}

export async function assertPassProduct(trx: TenantTransaction, product: Product) {
  const rules = product.passRules ?? null
  if (product.kind !== 'annual_pass') {
    if (rules) throw invalid('passRules', 'Only an annual pass (kind annual_pass) has pass rules')
    return
  }
  if (!rules) throw invalid('passRules', 'An annual pass needs its rules (validity, activation, entries, …)', 'E_PASS_RULES_REQUIRED')
  if (product.validity !== 'open_date') throw invalid('validity', 'An annual pass is sold as an open-date product', 'E_PASS_OPEN_DATE')
  if (!product.realNameRequired) throw invalid('realNameRequired', 'An annual pass is bound to its holder: real name is required', 'E_PASS_REAL_NAME')
  if (product.seating === 'reserved') throw invalid('seating', 'An annual pass has no seat')
  if (product.changeable) throw invalid('changeable', 'An annual pass has no session to change to')
  const reversed = rules.blackoutDates.findIndex((range) => range.to < range.from)
  if (reversed >= 0) throw invalid(`passRules.blackoutDates.${reversed}.to`, 'A blackout range must end on or after its first day')
  if (rules.siteIds.length) {
    const found = await trx.from('sites').whereIn('id', rules.siteIds).select('id')
    const missing = rules.siteIds.filter((id) => !found.some((row) => Number(row.id) === id))
    if (missing.length) throw invalid('passRules.siteIds', `No such site: ${missing.join(', ')}`)
  }
}
