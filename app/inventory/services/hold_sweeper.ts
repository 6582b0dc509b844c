/*
 * Gives back the capacity of holds nobody turned into an order: every open venue is swept
 * periodically (a few at a time). Several app processes may sweep at once: each hold is taken
 * by one sweep only (SKIP LOCKED). Holds are also swept lazily when a buyer finds a session full.
 */
import logger from '@adonisjs/core/services/logger'
import InventoryService from '#inventory/services/inventory_service'
import { eachTenant } from '#tenancy/services/each_tenant'
import { repeatEvery } from '#core/repeat'

export async function sweepExpiredHolds(concurrency = 4) {
  const outcomes = await eachTenant((tenant) => InventoryService.expire(tenant), {
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
