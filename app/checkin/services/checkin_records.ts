/*
 * Check-in records at the console: who came in when, where and how; live counts per session.
 */
import { DateTime } from 'luxon'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export interface CheckinSearch {
  date?: Date
  sessionId?: number
  ticketId?: number
  deviceId?: number
  result?: string
  limit?: number
}

const VENUE_CLOCK = 'Asia/Shanghai'

function dayRange(date?: Date): [Date, Date] {
  const start = (date ? DateTime.fromJSDate(date).setZone(VENUE_CLOCK, { keepLocalTime: true }) : DateTime.now().setZone(VENUE_CLOCK)).startOf('day')
  return [start.toJSDate(), start.plus({ days: 1 }).toJSDate()]
}

export const CheckinRecords = {
  async search(tenant: Tenant, filters: CheckinSearch) {
    return runInTenant(tenant, async (trx) => {
      const query = trx
        .from('checkins as c')
        .leftJoin('devices as d', 'd.id', 'c.device_id')
        .orderBy('c.occurred_at', 'desc')
        .limit(filters.limit ?? 100)
        .select('c.id', 'c.ticket_id', 'c.session_id', 'c.method', 'c.direction', 'c.people', 'c.result', 'c.offline', 'c.conflict', 'c.occurred_at', 'c.staff_id', 'd.name as device', 'c.answer')
      if (filters.ticketId) query.where('c.ticket_id', filters.ticketId)
      else query.whereBetween('c.occurred_at', dayRange(filters.date))
      if (filters.sessionId) query.where('c.session_id', filters.sessionId)
      if (filters.deviceId) query.where('c.device_id', filters.deviceId)
      if (filters.result) query.where('c.result', filters.result)
      return (await query).map((row) => ({
        id: Number(row.id),
        ticketId: row.ticket_id ? Number(row.ticket_id) : null,
        sessionId: row.session_id ? Number(row.session_id) : null,
        method: row.method,
        direction: row.direction,
        people: row.people,
        result: row.result,
        message: row.answer?.message,
        offline: row.offline,
        conflict: row.conflict,
        device: row.device,
        staffId: row.staff_id ? Number(row.staff_id) : null,
        occurredAt: row.occurred_at,
      }))
    })
  },

  /** Per session of the day: tickets sold, people admitted, inside now, refused scans. */
  async live(tenant: Tenant, date?: Date) {
    const [from, to] = dayRange(date)
    return runInTenant(tenant, async (trx) => {
      const rows = await trx.rawQuery(
        `select s.id as session_id, s.name, s.starts_at,
                coalesce(sum(t.party_size) filter (where t.status in ('valid', 'used')), 0)::int as expected,
                coalesce(sum(t.admitted) filter (where t.status in ('valid', 'used')), 0)::int as admitted,
                coalesce(sum(t.admitted) filter (where t.inside), 0)::int as inside,
                (select count(*) from checkins c where c.session_id = s.id and c.result not in ('admitted', 'exited'))::int as refused
         from sessions s left join order_tickets t on t.session_id = s.id
         where s.starts_at >= ? and s.starts_at < ?
         group by s.id order by s.starts_at`,
        [from, to]
      )
      return rows.rows.map((row: any) => ({ sessionId: Number(row.session_id), name: row.name, startsAt: row.starts_at, expected: row.expected, admitted: row.admitted, inside: row.inside, refused: row.refused }))
    })
  },
}
