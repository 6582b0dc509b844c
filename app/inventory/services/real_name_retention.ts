/*
 * Real-name data is kept no longer than needed (PIPL): the claims that enforce "one ID, one
 * ticket" are deleted once every session of their booking has ended more than the venue's
 * retention period ago. (Claims of released or expired holds go at once, with the hold.)
 */
import logger from '@adonisjs/core/services/logger'
import type Tenant from '#tenancy/models/tenant'
import { eachTenant } from '#tenancy/services/each_tenant'
import { runTenantStatement } from '#inventory/services/tenant_sql'

const PURGE_SQL = `
with rules as (select real_name_retention_days as days from $s.booking_rules)
delete from $s.real_name_claims c using $s.holds h
where c.hold_id = h.id and h.status = 'consumed'
  and not exists (
    select 1 from jsonb_array_elements(h.items) i join $s.sessions s on s.id = (i->>'session_id')::bigint
    where s.ends_at + make_interval(days => (select days from rules)) >= now())
returning 1
`

export async function purgeRealNameData(tenant: Tenant): Promise<number> {
  return (await runTenantStatement(tenant, PURGE_SQL)).length
}

/** Every venue (a few at a time); returns how many claims were deleted. */
export async function purgeAllRealNameData(concurrency = 4) {
  const outcomes = await eachTenant(purgeRealNameData, {
    concurrency,
    onOutcome: ({ tenant, error }) => error && logger.error({ err: error, tenant: tenant.slug }, 'real-name purge failed for this venue'),
  })
  return { tenants: outcomes.length, purged: outcomes.reduce((sum, outcome) => sum + (outcome.result ?? 0), 0) }
}
