/*
 * Work over every venue, a few at a time (each holds one pooled connection at most): one failing
 * venue is recorded and does not stop the others.
 */
import { mapBounded } from '#core/map_bounded'
import Tenant from '#tenancy/models/tenant'

export interface TenantOutcome<T> {
  tenant: Tenant
  result?: T
  error?: Error
}

export async function eachTenant<T>(
  work: (tenant: Tenant) => Promise<T>,
  options: { concurrency?: number; status?: Tenant['status']; onOutcome?: (outcome: TenantOutcome<T>) => void } = {}
): Promise<TenantOutcome<T>[]> {
  const tenants = await Tenant.query()
    .if(options.status, (query) => query.where('status', options.status!))
    .orderBy('id')
  return mapBounded(
    tenants,
    async (tenant) => {
      const outcome: TenantOutcome<T> = { tenant }
      try {
        outcome.result = await work(tenant)
      } catch (error) {
        outcome.error = error as Error
      }
      options.onOutcome?.(outcome)
      return outcome
    },
    options.concurrency ?? 4
  )
}
