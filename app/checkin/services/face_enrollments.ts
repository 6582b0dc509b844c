/*
 * Face check-in (刷脸入园). A face is sensitive personal information (PIPL art. 28), so:
 * - it is enrolled only for a real-name ticket, with a separate, explicit consent (art. 29),
 *   a parent's or guardian's when the holder is under 14 (art. 31), recorded with the consent
 *   text's version, the time, IP and user agent;
 * - it is never the only way in: the ticket's QR code and the holder's ID card keep working
 *   (the 2025 face-recognition measures forbid making the face the only way);
 * - the photo is stored encrypted and decrypted only for the face gates of the ticket's own site
 *   (a pass's, 年卡: of every site the pass admits at);
 * - it is deleted when the ticket is refunded or changed, when its session is over (a pass's
 *   validity) or its entries are used up (the purge), or when the visitor asks (art. 47). Face
 *   gates follow the sync log, so a deleted face leaves them at their next sync.
 */
import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import logger from '@adonisjs/core/services/logger'
import { AppError, forbidden, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { entryWindow } from '#checkin/services/entry_rules'
import { passState, validityEnd, type PassRules } from '#members/services/pass_rules'
import type { Device } from '#checkin/services/devices'
import type Order from '#orders/models/order'
import { openHolderId } from '#orders/services/holder_identity'
import { eachTenant } from '#tenancy/services/each_tenant'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

export type DeletionReason = 'withdrawn' | 'replaced' | 'refunded' | 'changed' | 'session_ended' | 'used' | 'ticket_ended'

export interface EnrollInput {
  /** Base64 of a JPEG or PNG. */
  photo: string
  consent: { accepted: boolean; textVersion: string }
  guardian?: { name: string; relation: string }
}

/** Where the consent was given: kept with it as evidence. */
export interface ConsentEvidence {
  ip: string | null
  userAgent: string | null
}

const MAX_PHOTO_BYTES = 300 * 1024
/** PIPL art. 31: a minor under 14 needs a parent's or guardian's consent. */
const GUARDIAN_CONSENT_UNDER = 14
/** Face gates hold the faces of tickets whose entry window is open now or opens within this time. */
const SYNC_AHEAD_MS = 86_400_000
/**
 * A pass changed (activated, renewed, extended) since a gate's last sync is sent to it again with
 * its new window; the margin covers a change that committed just after that sync read its snapshot.
 */
const PASS_CHANGE_MARGIN_MS = 5 * 60_000
/** The pass admits at this site (pass_rules.ts admitsAtSite: its siteIds, empty for every site). */
const PASS_ADMITS_AT_SITE = `(jsonb_array_length(p.pass_rules->'siteIds') = 0 or p.pass_rules->'siteIds' @> to_jsonb(?::bigint))`

const IMAGE_SIGNATURES = [
  { contentType: 'image/jpeg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
  { contentType: 'image/png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
] as const

const TICKET_COLUMNS = [
  't.id as ticket_id', 't.status', 't.party_size', 't.admitted', 't.entries_used', 't.last_entry_at',
  'p.entries_per_ticket', 'p.entry_opens_minutes_before', 'p.entry_closes_minutes_after',
  's.kind as session_kind', 's.starts_at', 's.ends_at', 's.site_id', 'site.timezone',
  'ps.id as pass_id', 'ps.status as pass_status', 'ps.activate_by as pass_activate_by', 'ps.activated_at as pass_activated_at',
  'ps.valid_until as pass_valid_until', 'ps.entries_allowed as pass_entries_allowed', 'ps.created_at as pass_issued_at',
  'ps.updated_at as pass_updated_at', 'p.pass_rules',
]

/** What the console sees of an enrollment: the consent record, never the photo. */
const RECORD_COLUMNS = [
  'id', 'ticket_id', 'site_id', 'status', 'content_type', 'consent_text_version', 'consented_at', 'consent_ip',
  'consent_user_agent', 'guardian_name', 'guardian_relation', 'created_at', 'deleted_at', 'deletion_reason',
]

/** The photo's bytes checked (a real JPEG or PNG, at most 300 KB): its base64, type and hash. */
function readPhoto(given: string) {
  const text = given.replace(/^data:image\/(jpeg|png);base64,/, '').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw invalid('photo', 'The photo must be a base64-encoded JPEG or PNG image', 'E_FACE_PHOTO_INVALID')
  }
  const bytes = Buffer.from(text, 'base64')
  if (bytes.length > MAX_PHOTO_BYTES) throw invalid('photo', `The photo is ${Math.ceil(bytes.length / 1024)} KB; at most 300 KB`, 'E_FACE_PHOTO_TOO_LARGE')
  const image = IMAGE_SIGNATURES.find(({ magic }) => bytes.subarray(0, magic.length).equals(magic))
  if (!image) throw invalid('photo', 'The photo must be a JPEG or PNG image', 'E_FACE_PHOTO_INVALID')
  return { base64: bytes.toString('base64'), contentType: image.contentType, sha256: createHash('sha256').update(bytes).digest('hex') }
}

/** Binds a photo's ciphertext to its venue and ticket: copied to another row, it does not decrypt. */
const photoPurpose = (tenantId: number, ticketId: number) => `face-photo:${tenantId}:${ticketId}`

/** Age in whole years on `day`, from the birth date in a mainland ID (characters 7–14, YYYYMMDD). */
function ageOn(idNumber: string, day: DateTime): number {
  const birth = DateTime.fromFormat(idNumber.slice(6, 14), 'yyyyMMdd', { zone: day.zone })
  return Math.floor(day.startOf('day').diff(birth, 'years').years)
}

function ticketsWithSessions(trx: TenantTransaction) {
  return trx
    .from('order_tickets as t')
    .join('products as p', 'p.id', 't.product_id')
    .join('sessions as s', 's.id', 't.session_id')
    .join('sites as site', 'site.id', 's.site_id')
    .leftJoin('passes as ps', 'ps.ticket_id', 't.id')
}

function activeEnrollments(trx: TenantTransaction) {
  return ticketsWithSessions(trx).join('face_enrollments as e', 'e.ticket_id', 't.id').where('e.status', 'active')
}

/**
 * When the face may let its holder in: the ticket's entry window; a pass's own validity, from its
 * issue to its end (while it has not started, the latest end it can have), never its sale session.
 */
function windowOf(row: any, now = new Date()) {
  if (row.pass_id) {
    const rules: PassRules = row.pass_rules
    const pass = { status: row.pass_status, activateBy: row.pass_activate_by, activatedAt: row.pass_activated_at, validUntil: row.pass_valid_until }
    const { validUntil } = passState(pass, rules, row.timezone, now)
    return { opensAt: row.pass_issued_at as Date, closesAt: validUntil ?? validityEnd(row.pass_activate_by, rules.validity, row.timezone) }
  }
  return entryWindow({ sessionKind: row.session_kind, startsAt: row.starts_at, endsAt: row.ends_at, opensBefore: row.entry_opens_minutes_before, closesAfter: row.entry_closes_minutes_after })
}

const ticketAdmits = (row: any) => row.status === 'valid' || row.status === 'used'
/** A suspended pass keeps its face (it may be resumed) but it is not synced meanwhile. */
const admits = (row: any) => ticketAdmits(row) && row.pass_status !== 'suspended' && row.pass_status !== 'revoked'

/** Why a ticket's face is no longer needed at `now`, or null while it may still let its holder in. */
function endOf(row: any, now: Date): DeletionReason | null {
  // A refund waiting for approval may still be rejected: its face stays (but is not synced).
  if ((!ticketAdmits(row) && row.status !== 'refunding') || row.pass_status === 'revoked') return 'ticket_ended'
  if (windowOf(row, now).closesAt < now) return 'session_ended'
  const entries = row.pass_id ? row.pass_entries_allowed : row.entries_per_ticket
  const usedUp = entries !== null && row.entries_used >= entries && row.admitted >= row.party_size
  // Re-entry may still need the face on the day of the last entry.
  const day = (date: Date) => DateTime.fromJSDate(date).setZone(row.timezone).toISODate()!
  if (usedUp && row.last_entry_at && day(row.last_entry_at) < day(now)) return 'used'
  return null
}

/**
 * Audits a change and appends it to the sync log. The audit comes first: its append holds the
 * venue's audit lock until commit, so sync-log ids are handed out in commit order and a gate's
 * cursor never moves past a row that commits later.
 */
async function logChange(trx: TenantTransaction, row: { id: number; ticket_id: number; site_id: number }, action: 'enrolled' | 'deleted', meta: Record<string, unknown>) {
  await auditLog.tenant(trx, { action: `face.${action}`, subjectType: 'ticket', subjectId: row.ticket_id, meta: { enrollmentId: Number(row.id), ...meta } })
  await trx.table('face_sync_log').insert({ enrollment_id: row.id, ticket_id: row.ticket_id, site_id: row.site_id, action })
}

/**
 * Deletes the faces enrolled for these tickets, in the caller's transaction (a refund, a change,
 * the purge, the visitor): the photo goes, the consent record stays, and face gates drop it at
 * their next sync. Returns how many were deleted.
 */
export async function deleteFaceEnrollments(trx: TenantTransaction, ticketIds: number[], reason: DeletionReason): Promise<number> {
  if (!ticketIds.length) return 0
  const deleted = await trx
    .from('face_enrollments')
    .whereIn('ticket_id', ticketIds)
    .where('status', 'active')
    .update({ status: 'deleted', photo: null, photo_sha256: null, deleted_at: new Date(), deletion_reason: reason })
    .returning(['id', 'ticket_id', 'site_id'])
  for (const row of deleted) await logChange(trx, row, 'deleted', { reason })
  return deleted.length
}

/** Deletes the faces of tickets that can no longer let anyone in (session over, entries used, ticket ended). */
export async function purgeEndedFaceEnrollments(tenant: Tenant): Promise<number> {
  return runInTenant(tenant, async (trx) => {
    const now = new Date()
    const ended = new Map<DeletionReason, number[]>()
    for (const row of await activeEnrollments(trx).select(TICKET_COLUMNS)) {
      const reason = endOf(row, now)
      if (reason) ended.set(reason, [...(ended.get(reason) ?? []), Number(row.ticket_id)])
    }
    let purged = 0
    for (const [reason, ticketIds] of ended) purged += await deleteFaceEnrollments(trx, ticketIds, reason)
    return purged
  })
}

/** The purge in every venue (a few at a time): how many faces were deleted. */
export async function purgeAllEndedFaceEnrollments() {
  const outcomes = await eachTenant(purgeEndedFaceEnrollments, {
    onOutcome: ({ tenant, error }) => error && logger.error({ err: error, tenant: tenant.slug }, 'face purge failed for this venue'),
  })
  return { tenants: outcomes.length, purged: outcomes.reduce((sum, outcome) => sum + (outcome.result ?? 0), 0) }
}

/** A gate's sync cursor: the last sync-log id it has, and how far ahead its faces reach. */
function encodeCursor(logId: number, horizon: Date) {
  return `${logId}.${horizon.getTime()}`
}

function decodeCursor(cursor: string) {
  const [logId, horizon] = cursor.split('.').map(Number)
  return { logId, horizon: new Date(horizon) }
}

export default class FaceEnrollments {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new FaceEnrollments(tenant)
  }

  /** Whether a face is enrolled for this ticket of the order (never the photo). */
  async status(order: Order, ticketId: number) {
    return runInTenant(this.tenant, async (trx) => {
      await this.#ticketOf(trx, order, ticketId)
      const active = await trx.from('face_enrollments').where('ticket_id', ticketId).where('status', 'active').first()
      return { enrolled: Boolean(active), consentedAt: (active?.consented_at as Date | undefined) ?? null }
    })
  }

  /** Enrolls (or replaces) the holder's face; the same photo sent again changes nothing. */
  async enroll(order: Order, ticketId: number, input: EnrollInput, evidence: ConsentEvidence) {
    if (input.consent.accepted !== true) {
      throw invalid('consent.accepted', 'Face check-in needs the separate, explicit consent of the holder (accepted: true); the QR code and ID card work without it', 'E_FACE_CONSENT_REQUIRED')
    }
    const photo = readPhoto(input.photo)
    return runInTenant(this.tenant, async (trx) => {
      const ticket = await this.#ticketOf(trx, order, ticketId, true)
      if (!ticket.real_name_required || !ticket.holder_id_number) {
        throw invalid('ticketId', 'Face check-in is only for real-name tickets with a named holder', 'E_FACE_NOT_REAL_NAME')
      }
      if (!admits(ticket) || endOf(ticket, new Date())) {
        throw new AppError(`This ticket can no longer be used (${ticket.status}): no face to enroll`, { status: 409, code: 'E_TICKET_NOT_VALID' })
      }
      const visitDay = DateTime.fromJSDate(ticket.starts_at).setZone(ticket.timezone)
      const guardianNeeded = !(ageOn(openHolderId(ticket.holder_id_number)!, visitDay) >= GUARDIAN_CONSENT_UNDER)
      if (guardianNeeded && !input.guardian) {
        throw invalid('guardian', `The holder is under ${GUARDIAN_CONSENT_UNDER} on the day of the visit: a parent or guardian must consent (their name and relation)`, 'E_FACE_GUARDIAN_REQUIRED')
      }

      const current = await trx.from('face_enrollments').where('ticket_id', ticketId).where('status', 'active').first()
      if (current?.photo_sha256 === photo.sha256) return { enrolled: true, consentedAt: current.consented_at as Date, created: false }
      await deleteFaceEnrollments(trx, [ticketId], 'replaced')
      const [row] = await trx
        .table('face_enrollments')
        .insert({
          ticket_id: ticketId,
          site_id: ticket.site_id,
          photo: encryption.encrypt(photo.base64, undefined, photoPurpose(this.tenant.id, ticketId)),
          content_type: photo.contentType,
          photo_sha256: photo.sha256,
          consent_text_version: input.consent.textVersion,
          consented_at: new Date(),
          consent_ip: evidence.ip,
          consent_user_agent: evidence.userAgent?.slice(0, 300) ?? null,
          // Only the guardian of a minor is recorded: no more personal data than the rule needs.
          guardian_name: guardianNeeded ? input.guardian!.name : null,
          guardian_relation: guardianNeeded ? input.guardian!.relation : null,
        })
        .returning(['id', 'ticket_id', 'site_id', 'consented_at'])
      await logChange(trx, row, 'enrolled', { orderNumber: order.number, consentTextVersion: input.consent.textVersion, guardianConsent: guardianNeeded, replaced: Boolean(current) })
      return { enrolled: true, consentedAt: row.consented_at as Date, created: true }
    })
  }

  /** The visitor withdraws: the face is deleted at once (PIPL art. 47). */
  async withdraw(order: Order, ticketId: number) {
    await runInTenant(this.tenant, async (trx) => {
      await this.#ticketOf(trx, order, ticketId)
      await deleteFaceEnrollments(trx, [ticketId], 'withdrawn')
    })
    return { enrolled: false, consentedAt: null }
  }

  /**
   * What a face gate must hold: the faces of its site's tickets (and of the passes that admit at
   * its site) whose entry window is open now or opens within a day, and the faces to drop.
   * Without `since`, everything (a full sync); with the previous answer's cursor, only the faces
   * enrolled or come within reach since, those of passes changed since, and the deletions since.
   * Photos are decrypted here and nowhere else.
   */
  async sync(device: Device, since?: string) {
    if (device.kind !== 'face_gate') throw forbidden(`Faces are synced to face gates only; this device is a ${device.kind}`, 'E_NOT_A_FACE_GATE')
    const from = since ? decodeCursor(since) : null
    const now = new Date()
    const horizon = new Date(now.getTime() + SYNC_AHEAD_MS)
    // The previous sync ran a day before its horizon.
    const passesChangedSince = from && new Date(from.horizon.getTime() - SYNC_AHEAD_MS - PASS_CHANGE_MARGIN_MS)
    const answer = await runInTenant(
      this.tenant,
      async (trx) => {
        const last = await trx.from('face_sync_log').max('id as id').first()
        const rows = await activeEnrollments(trx)
          .join('face_sync_log as l', (join) => join.on('l.enrollment_id', 'e.id').andOnVal('l.action', 'enrolled'))
          .where((here) =>
            here
              .where((ticket) => ticket.whereNull('ps.id').where('e.site_id', device.siteId))
              .orWhere((pass) => pass.whereNotNull('ps.id').whereRaw(PASS_ADMITS_AT_SITE, [device.siteId]))
          )
          .orderBy('e.id')
          .select(...TICKET_COLUMNS, 'e.id', 'e.content_type', 'l.id as log_id')
        const wanted = rows
          .filter(admits)
          .map((row) => ({ row, window: windowOf(row, now) }))
          .filter(({ window }) => window.closesAt > now && window.opensAt <= horizon)
          .filter(({ row, window }) => !from || Number(row.log_id) > from.logId || window.opensAt > from.horizon || (row.pass_id && row.pass_updated_at > passesChangedSince!))
        const photos = new Map(
          (await trx.from('face_enrollments').whereIn('id', wanted.map(({ row }) => row.id)).select('id', 'photo')).map((row) => [Number(row.id), row.photo as string])
        )
        const passesHere = trx.from('passes as ps').join('products as p', 'p.id', 'ps.product_id').whereRaw(PASS_ADMITS_AT_SITE, [device.siteId]).select('ps.ticket_id')
        const deleted = from
          ? await trx
              .from('face_sync_log')
              .where((here) => here.where('site_id', device.siteId).orWhereIn('ticket_id', passesHere))
              .where('action', 'deleted')
              .where('id', '>', from.logId)
              .orderBy('id')
              .select('enrollment_id', 'ticket_id')
          : []
        return {
          full: !from,
          faces: wanted.flatMap(({ row, window }) => {
            const photo = encryption.decrypt<string>(photos.get(Number(row.id))!, photoPurpose(this.tenant.id, Number(row.ticket_id)))
            if (!photo) {
              logger.error({ tenant: this.tenant.slug, enrollmentId: Number(row.id) }, 'a face photo does not decrypt: left out of the sync')
              return []
            }
            return [{ id: Number(row.id), ticketId: Number(row.ticket_id), contentType: row.content_type as string, photo, validFrom: window.opensAt, validUntil: window.closesAt }]
          }),
          deleted: deleted.map((row) => ({ id: Number(row.enrollment_id), ticketId: Number(row.ticket_id) })),
          cursor: encodeCursor(Number(last?.id ?? 0), horizon),
        }
      },
      // One snapshot: the cursor covers exactly the log rows read.
      { isolationLevel: 'repeatable read' }
    )
    if (answer.faces.length) await this.#auditRelease(device, answer.faces.map((face) => face.ticketId))
    return answer
  }

  /** Consent records for the console: metadata only, never a photo. */
  async records(filters: { ticketId?: number; limit?: number }) {
    return runInTenant(this.tenant, async (trx) => {
      const rows = await trx
        .from('face_enrollments')
        .if(filters.ticketId, (query) => query.where('ticket_id', filters.ticketId!))
        .orderBy('id', 'desc')
        .limit(filters.limit ?? 100)
        .select(RECORD_COLUMNS)
      return rows.map((row) => ({
        id: Number(row.id),
        ticketId: Number(row.ticket_id),
        siteId: Number(row.site_id),
        status: row.status,
        contentType: row.content_type,
        consent: { textVersion: row.consent_text_version, consentedAt: row.consented_at, ip: row.consent_ip, userAgent: row.consent_user_agent },
        guardian: row.guardian_name ? { name: row.guardian_name, relation: row.guardian_relation } : null,
        createdAt: row.created_at,
        deletedAt: row.deleted_at,
        deletionReason: row.deletion_reason,
      }))
    })
  }

  /** Which device received which faces (its own transaction: the sync read one snapshot). */
  async #auditRelease(device: Device, ticketIds: number[]) {
    await runInTenant(this.tenant, (trx) =>
      auditLog.tenant(trx, { action: 'face.synced', subjectType: 'device', subjectId: device.id, actor: { type: 'device', id: device.id, label: device.name }, meta: { faces: ticketIds.length, ticketIds } })
    )
  }

  /** The order's ticket with what the rules need (locked to enroll), or a 404. */
  async #ticketOf(trx: TenantTransaction, order: Order, ticketId: number, lock = false) {
    const ticket = await ticketsWithSessions(trx)
      .where('t.id', ticketId)
      .where('t.order_id', order.id)
      .if(lock, (query) => query.forUpdate('t'))
      .select(...TICKET_COLUMNS, 't.holder_id_number', 'p.real_name_required')
      .first()
    if (!ticket) throw notFound('No such ticket in this order', 'E_TICKET_NOT_FOUND')
    return ticket
  }
}
