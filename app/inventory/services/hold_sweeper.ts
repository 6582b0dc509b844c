/*
 * Gives back the capacity of holds nobody turned into an order: every open venue is swept
 * periodically (a few at a time). Several app processes may sweep at once: each hold is taken
 * by one sweep only (SKIP LOCKED). Holds are also swept lazily when a buyer finds a session full.
 */
import logger from '@adonisjs/core/services/logger'
import Tenant from '#tenancy/models/tenant'
import InventoryService from '#inventory/services/inventory_service'

export async function sweepExpiredHolds(concurrency = 4) {
  const tenants = await Tenant.query().where('status', 'active').orderBy('id')
  let next = 0
  let expired = 0
  const worker = async () => {
    while (next < tenants.length) {
      const tenant = tenants[next++]
      try {
        // Await first: `expired += await …` would read `expired` before the await (a lost update).
        const count = await InventoryService.expire(tenant)
        expired += count
      } catch (error) {
        logger.error({ err: error, tenant: tenant.slug }, 'sweeping expired holds failed for this venue')
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { tenants: tenants.length, expired }
}

/** Sweeps every `intervalMs` until the returned stop function is called; runs never overlap. */
export function startHoldSweeper(intervalMs = 15_000) {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const tick = async () => {
    await sweepExpiredHolds().catch((error) => logger.error({ err: error }, 'hold sweep failed'))
    if (!stopped) timer = setTimeout(tick, intervalMs)
  }
  timer = setTimeout(tick, intervalMs)
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
