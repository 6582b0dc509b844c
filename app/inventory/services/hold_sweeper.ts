/*
 * Gives back the capacity of holds nobody turned into an order, and the places vouchers past their
 * validity still kept aside (预留名额): every open venue is swept periodically (a few at a time).
 * Several app processes may sweep at once: each hold is taken by one sweep only (SKIP LOCKED). Holds are also swept lazily when a buyer finds a session full.
 */
import logger from '@adonisjs/core/services/logger'
import InventoryService from '#inventory/services/inventory_service'
import { eachTenant } from '#tenancy/services/each_tenant'
import { repeatEvery } from '#core/repeat'
import type Tenant from '#tenancy/models/tenant'

export async function sweepExpiredHolds(concurrency = 4) {
  // Expired holds first: a failure to release a lapsed reserve must not keep their places from sale.
  const sweep = async (tenant: Tenant) => {
    const expired = await InventoryService.expire(tenant)
    await InventoryService.releaseLapsedReserves(tenant).catch((error) =>
      logger.error({ err: error, tenant: tenant.slug }, 'releasing lapsed voucher reserves failed for this venue')
    )
    return expired
  }
  const outcomes = await eachTenant(sweep, {
    concurrency,
    status: 'active',
    onOutcome: ({ tenant, error }) => error && logger.error({ err: error, tenant: tenant.slug }, 'sweeping expired holds failed for this venue'),
  })
  return { tenants: outcomes.length, expired: outcomes.reduce((sum, outcome) => sum + (outcome.result ?? 0), 0) }
}

/** Sweeps every `intervalMs` until the returned stop function is called; runs never overlap. */
export function startHoldSweeper(intervalMs = 15_000) {
  return repeatEvery(intervalMs, 'hold sweep', sweepExpiredHolds)
}
