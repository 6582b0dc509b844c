import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import PlatformStats from '#platform/services/platform_stats'
import { platformAuditQueryValidator, platformStatsValidator } from '#platform/validators/platform_stats'

const ZONE = 'Asia/Shanghai'

/** What the API shows of a platform audit record (not the chain hashes; `audit:verify` checks those). */
const AUDIT_COLUMNS = [
  'id', 'occurred_at as occurredAt', 'actor_type as actorType', 'actor_id as actorId', 'actor_label as actorLabel',
  'action', 'outcome', 'subject_type as subjectType', 'subject_id as subjectId', 'tenant_id as tenantId', 'ip',
  'request_id as requestId', 'before', 'after', 'meta',
]

/** A day given as YYYY-MM-DD, at its start in Asia/Shanghai. */
const dayStart = (date: Date) => DateTime.fromJSDate(date).setZone(ZONE, { keepLocalTime: true }).startOf('day')

/** Platform-wide statistics and the platform audit log. */
export default class PlatformStatsController {
  async overview({ request }: HttpContext) {
    const { days, top } = await platformStatsValidator.validate(request.qs())
    return PlatformStats.overview({ days: days ?? 30, top })
  }

  async audit({ request }: HttpContext) {
    const filters = await platformAuditQueryValidator.validate(request.qs())
    const page = await db
      .from('platform_audit_logs')
      .select(AUDIT_COLUMNS)
      .if(filters.action?.endsWith('.'), (q) => q.whereLike('action', `${filters.action!.replace(/[\\%_]/g, '\\$&')}%`))
      .if(filters.action && !filters.action.endsWith('.'), (q) => q.where('action', filters.action!))
      .if(filters.actor, (q) =>
        q.where((w) => w.whereILike('actor_label', `%${filters.actor!.replace(/[\\%_]/g, '\\$&')}%`).orWhere('actor_id', filters.actor!))
      )
      .if(filters.tenantId, (q) => q.where('tenant_id', filters.tenantId!))
      .if(filters.outcome, (q) => q.where('outcome', filters.outcome!))
      .if(filters.from, (q) => q.where('occurred_at', '>=', dayStart(filters.from!).toJSDate()))
      .if(filters.to, (q) => q.where('occurred_at', '<', dayStart(filters.to!).plus({ days: 1 }).toJSDate()))
      // Ids follow the order of appends (the chain lock serializes them).
      .orderBy('id', 'desc')
      .paginate(filters.page ?? 1, filters.perPage ?? 50)
    return page.baseUrl(request.url()).queryString(request.qs()).toJSON()
  }
}
