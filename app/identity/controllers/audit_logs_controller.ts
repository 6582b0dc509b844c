import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import { runInTenant } from '#tenancy/services/tenant_database'
import { auditQueryValidator } from '#identity/validators/audit_query'

/** What the API shows of an audit record (not the chain hashes; `audit:verify` checks those). */
const COLUMNS = [
  'id', 'occurred_at as occurredAt', 'actor_type as actorType', 'actor_id as actorId', 'actor_label as actorLabel',
  'action', 'outcome', 'subject_type as subjectType', 'subject_id as subjectId', 'ip', 'user_agent as userAgent',
  'request_id as requestId', 'before', 'after', 'meta',
]

/** The venue's audit log, newest first (console). */
export default class AuditLogsController {
  async index({ request, tenant }: HttpContext) {
    const filters = await auditQueryValidator.validate(request.qs())
    const page = await runInTenant(tenant!, (trx) =>
      trx
        .from('audit_logs')
        .select(COLUMNS)
        .if(filters.action, (q) => q.where('action', filters.action!))
        .if(filters.actorId, (q) => q.where('actor_id', filters.actorId!))
        .if(filters.subjectType, (q) => q.where('subject_type', filters.subjectType!))
        .if(filters.from, (q) => q.where('occurred_at', '>=', filters.from!))
        .if(filters.to, (q) => q.where('occurred_at', '<', DateTime.fromJSDate(filters.to!).plus({ days: 1 }).toJSDate()))
        // Ids follow the order of appends (the chain lock serializes them).
        .orderBy('id', 'desc')
        .paginate(filters.page ?? 1, filters.perPage ?? 50)
    )
    // Page links keep the filters and point back at this route (development prefix included).
    return page.baseUrl(request.url()).queryString(request.qs()).toJSON()
  }
}
