/*
 * A table of work to do with retries (messages to send, webhooks to deliver): each due row is
 * taken in its own transaction under FOR UPDATE SKIP LOCKED (so processes never do the same row
 * twice), attempted, and marked done, or rescheduled on the queue's backoff, or failed when the
 * backoff runs out. Attempts are counted on the row.
 */
import { DateTime } from 'luxon'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

/** An attempt that failed, with columns worth keeping (e.g. the receiver's status code). */
export class AttemptFailed extends Error {
  constructor(
    message: string,
    readonly columns: Record<string, unknown> = {}
  ) {
    super(message)
  }
}

export interface DueQueue<Row extends { id: number | string; attempts: number }> {
  table: string
  /** The next due row, locked FOR UPDATE SKIP LOCKED, or nothing. */
  next(trx: TenantTransaction): Promise<Row | undefined>
  /** Does the work; returns the columns to set when it succeeded (the status among them); throws when it failed. */
  attempt(row: Row, trx: TenantTransaction): Promise<Record<string, unknown>>
  /** Seconds to wait after the 1st, 2nd, ... failure; then the row is failed. */
  retryAfterSeconds: number[]
  onFailure?(row: Row, attempts: number, error: string): void
}

export async function drainDue<Row extends { id: number | string; attempts: number }>(tenant: Tenant, queue: DueQueue<Row>, limit = 50) {
  let done = 0
  let failed = 0
  for (let i = 0; i < limit; i++) {
    const outcome = await runInTenant(tenant, async (trx) => {
      const row = await queue.next(trx)
      if (!row) return null
      const attempts = row.attempts + 1
      try {
        const columns = await queue.attempt(row, trx)
        await trx.from(queue.table).where('id', row.id).update({ ...columns, attempts, last_error: null })
        return 'done'
      } catch (error: any) {
        const message = String(error?.cause?.message ?? error?.message ?? error).slice(0, 500)
        const wait = queue.retryAfterSeconds[attempts - 1]
        await trx
          .from(queue.table)
          .where('id', row.id)
          .update({
            ...(error instanceof AttemptFailed ? error.columns : {}),
            attempts,
            status: wait === undefined ? 'failed' : 'pending',
            next_attempt_at: DateTime.now().plus({ seconds: wait ?? 0 }).toJSDate(),
            last_error: message,
          })
        queue.onFailure?.(row, attempts, message)
        return 'failed'
      }
    })
    if (!outcome) break
    if (outcome === 'done') done++
    else failed++
  }
  return { done, failed }
}
