/* An audit record as both consoles' audit APIs answer it (the venue's log and the platform's). */
export interface AuditRecord {
  id: number
  occurredAt: string
  actorType: string
  actorId: string | null
  actorLabel: string | null
  action: string
  outcome: string
  subjectType: string | null
  subjectId: string | null
  ip: string | null
  before: unknown
  after: unknown
}
