/*
 * Seat maps of halls, and a session's seats as visitors see them. Rules:
 * - only a hall has a seat map;
 * - a map is replaced whole, and only while no seat of any session of the hall is held or sold
 *   (a hold or a ticket must never lose its seat or see it move);
 * - a seat whose section, row and label stay keeps its id, so session seats stay valid; removed
 *   seats take their session seats with them (cascade); open sessions get rows for new seats;
 * - visitors see available or unavailable only, never why or by which hold.
 */
import { AppError, invalid, notFound } from '#core/app_error'
import Zone from '#catalog/models/zone'
import Seat from '#catalog/models/seat'
import Session from '#catalog/models/session'
import { planSeats, type PlannedSeat, type SeatMapInput } from '#catalog/validators/seat_map'
import { materializeSessionSeats } from '#inventory/services/seat_inventory'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

const placeKey = (seat: Pick<PlannedSeat, 'section' | 'rowLabel' | 'seatLabel'>) =>
  JSON.stringify([seat.section, seat.rowLabel, seat.seatLabel])

async function findHall(trx: TenantTransaction, zoneId: number, lock = false) {
  const query = Zone.query({ client: trx }).where('id', zoneId)
  const zone = await (lock ? query.forUpdate() : query).first()
  if (!zone) throw notFound('No such zone', 'E_ZONE_NOT_FOUND')
  if (zone.kind !== 'hall') throw invalid('zone', `Zone "${zone.name}" is an area; only a hall has a seat map`, 'E_NOT_A_HALL')
  return zone
}

/** Seats from the stage back, left to right: sections and rows come out in that order. */
function seatsOf(trx: TenantTransaction, zoneId: number) {
  return Seat.query({ client: trx }).where('zone_id', zoneId).orderBy([{ column: 'y' }, { column: 'x' }, { column: 'id' }])
}

const presentSeat = (seat: Seat) => ({
  id: seat.id,
  label: seat.seatLabel,
  x: seat.x,
  y: seat.y,
  accessible: seat.accessible,
  sellable: seat.sellable,
})

/** The map as sections of rows of seats, in the order of `seats`. */
function present(zone: Zone, seats: Seat[]) {
  const sections = new Map<string, Map<string, { label: string; y: number; seats: ReturnType<typeof presentSeat>[] }>>()
  for (const seat of seats) {
    const rows = sections.get(seat.section) ?? new Map()
    sections.set(seat.section, rows)
    const row = rows.get(seat.rowLabel) ?? { label: seat.rowLabel, y: seat.y, seats: [] }
    rows.set(seat.rowLabel, row)
    row.seats.push(presentSeat(seat))
  }
  return {
    zone: { id: zone.id, name: zone.name },
    seatCount: seats.length,
    sections: [...sections].map(([name, rows]) => ({ name, rows: [...rows.values()] })),
  }
}

/** Counts that describe a map in the audit log, instead of the map itself. */
function summarize(seats: Pick<PlannedSeat, 'section' | 'rowLabel' | 'accessible' | 'sellable'>[]) {
  return {
    sections: new Set(seats.map((seat) => seat.section)).size,
    rows: new Set(seats.map((seat) => JSON.stringify([seat.section, seat.rowLabel]))).size,
    seats: seats.length,
    accessible: seats.filter((seat) => seat.accessible).length,
    unsellable: seats.filter((seat) => !seat.sellable).length,
  }
}

export default class SeatMapService {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new SeatMapService(tenant)
  }

  show(zoneId: number) {
    return runInTenant(this.tenant, async (trx) => present(await findHall(trx, zoneId), await seatsOf(trx, zoneId)))
  }

  replace(zoneId: number, map: SeatMapInput) {
    const planned = planSeats(map) // before the transaction: it needs no database
    return runInTenant(this.tenant, async (trx) => {
      const hall = await findHall(trx, zoneId, true) // one replacement of a hall at a time
      await this.#assertNoSeatTaken(trx, hall)

      const existing = await seatsOf(trx, hall.id)
      const remaining = new Map(existing.map((seat) => [placeKey(seat), seat]))
      const added: PlannedSeat[] = []
      const moved: (PlannedSeat & { id: number })[] = []
      const nowSellable: number[] = []
      const nowUnsellable: number[] = []
      for (const seat of planned) {
        const current = remaining.get(placeKey(seat))
        if (!current) {
          added.push(seat)
          continue
        }
        remaining.delete(placeKey(seat))
        const changed = (['x', 'y', 'accessible', 'sellable'] as const).some((column) => current[column] !== seat[column])
        if (changed) moved.push({ ...seat, id: current.id })
        if (current.sellable !== seat.sellable) (seat.sellable ? nowSellable : nowUnsellable).push(current.id)
      }
      const removed = [...remaining.values()].map((seat) => seat.id)

      if (removed.length) await trx.from('seats').whereIn('id', removed).delete()
      if (moved.length) {
        await trx.rawQuery(
          `update seats set x = v.x, y = v.y, accessible = v.accessible, sellable = v.sellable
           from jsonb_to_recordset(?::jsonb) as v(id bigint, x integer, y integer, accessible boolean, sellable boolean)
           where seats.id = v.id`,
          [JSON.stringify(moved.map(({ id, x, y, accessible, sellable }) => ({ id, x, y, accessible, sellable })))]
        )
      }
      if (added.length) {
        await trx.table('seats').multiInsert(
          added.map((seat) => ({
            zone_id: hall.id,
            section: seat.section,
            row_label: seat.rowLabel,
            seat_label: seat.seatLabel,
            x: seat.x,
            y: seat.y,
            accessible: seat.accessible,
            sellable: seat.sellable,
          }))
        )
      }

      const openSessions = await Session.query({ client: trx }).where('zone_id', hall.id).where('status', 'open').select('id')
      const sessionIds = openSessions.map((session) => session.id)
      // A kept seat that changed sellable follows in open sessions (nothing is held or sold here).
      for (const [seatIds, from, to] of [[nowSellable, 'blocked', 'available'], [nowUnsellable, 'available', 'blocked']] as const) {
        if (!seatIds.length || !sessionIds.length) continue
        await trx.from('session_seats').whereIn('session_id', sessionIds).whereIn('seat_id', seatIds).where('status', from).update({ status: to })
      }
      for (const sessionId of sessionIds) await materializeSessionSeats(trx, sessionId, hall.id)

      await auditLog.tenant(trx, {
        action: 'seat_map.replaced',
        subjectType: 'zone',
        subjectId: hall.id,
        before: summarize(existing),
        after: summarize(planned),
        meta: { added: added.length, changed: moved.length, removed: removed.length, openSessions: sessionIds.length },
      })
      return present(hall, await seatsOf(trx, hall.id))
    })
  }

  /** A session's seats for visitors, in one query; null when there is no such open session. */
  /** Seats of an open session; inside the caller's tenant transaction when given one. */
  sessionSeats(sessionId: number, within?: TenantTransaction) {
    const read = async (trx: TenantTransaction) => {
      // From the session outwards, so a session without seats still answers (with no seats).
      const { rows } = await trx.rawQuery(
        `select seats.id, seats.section, seats.row_label, seats.seat_label, seats.x, seats.y, seats.accessible, session_seats.status
         from sessions
         left join session_seats on session_seats.session_id = sessions.id
         left join seats on seats.id = session_seats.seat_id
         where sessions.id = ? and sessions.status = 'open'
         order by seats.y, seats.x, seats.id`,
        [sessionId]
      )
      if (!rows.length) throw notFound('No such session on sale', 'E_SESSION_NOT_FOUND')
      return (rows as Record<string, any>[])
        .filter((row) => row.id !== null)
        .map((row) => ({
          id: row.id as number,
          section: row.section as string,
          row: row.row_label as string,
          label: row.seat_label as string,
          x: row.x as number,
          y: row.y as number,
          accessible: row.accessible as boolean,
          status: row.status === 'available' ? 'available' : 'unavailable',
        }))
    }
    return within ? read(within) : runInTenant(this.tenant, read)
  }

  /**
   * Refuses while any session seat of the hall is held or sold. Locks those rows (in the order
   * holds lock them) so that no hold can take a seat while the map changes under it.
   */
  async #assertNoSeatTaken(trx: TenantTransaction, hall: Zone) {
    const { rows } = await trx.rawQuery(
      `select count(*) filter (where status in ('held', 'sold'))::int as taken
       from (select session_seats.status from session_seats join seats on seats.id = session_seats.seat_id
             where seats.zone_id = ? order by session_seats.session_id, session_seats.seat_id for update of session_seats) as locked`,
      [hall.id]
    )
    const taken = rows[0].taken as number
    if (taken) {
      throw new AppError(
        `The seat map of "${hall.name}" cannot be replaced: ${taken} seat(s) of its sessions are held or sold`,
        { status: 409, code: 'E_SEAT_MAP_IN_USE', meta: { taken } }
      )
    }
  }
}
