/*
 * Seats of reserved-seating sessions: one row per seat and session carries its status, so a
 * seat is held or sold by one hold or order only.
 */
import type { TenantTransaction } from '#tenancy/services/tenant_database'

/**
 * Gives a session of a hall its seat rows (seats not for sale are blocked). Idempotent: seats
 * added to the map later are added, existing statuses are kept.
 */
export async function materializeSessionSeats(trx: TenantTransaction, sessionId: number, hallId: number) {
  const result = await trx.rawQuery(
    `insert into session_seats (session_id, seat_id, status)
     select ?, id, case when sellable then 'available' else 'blocked' end from seats where zone_id = ?
     on conflict (session_id, seat_id) do nothing`,
    [sessionId, hallId]
  )
  return result.rowCount as number
}
