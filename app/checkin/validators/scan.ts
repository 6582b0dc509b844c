import vine from '@vinejs/vine'

const scanFields = () => ({
  code: vine.string().trim().maxLength(200).optional(),
  idNumber: vine.string().trim().maxLength(30).optional(),
  /** A face gate reports the ticket it matched locally. */
  ticketId: vine.number().withoutDecimals().positive().optional(),
  method: vine.enum(['qr', 'id_card', 'face', 'manual'] as const),
  direction: vine.enum(['entry', 'exit'] as const).optional(),
  people: vine.number().withoutDecimals().range([1, 500]).optional(),
  /** The scan's own id (a UUID): a retried scan is answered again, never counted twice. */
  nonce: vine.string().trim().minLength(8).maxLength(64),
})

export const scanValidator = vine.create(scanFields())

/** Staff scanning at the console / scanner app name the site they stand at. */
export const staffScanValidator = vine.create({ ...scanFields(), siteId: vine.number().withoutDecimals().positive() })

export const offlineEntriesValidator = vine.create({
  entries: vine
    .array(vine.object({ ...scanFields(), occurredAt: vine.date({ formats: { utc: true } }) }))
    .minLength(1)
    .maxLength(1000),
})

export const offlineListValidator = vine.create({
  /** Only tickets changed after this time (the previous list's generatedAt). */
  updatedSince: vine.date({ formats: { utc: true } }).optional(),
  /** Only revocations after this one (the previous list's revocationCursor). */
  revocationsSince: vine.number().withoutDecimals().min(0).optional(),
  /** The day to cover (venue time), today by default. */
  date: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
})

export const heartbeatValidator = vine.create({
  appVersion: vine.string().trim().maxLength(40).optional(),
  offlineQueue: vine.number().withoutDecimals().min(0).optional(),
  listGeneratedAt: vine.string().trim().maxLength(40).optional(),
})

export const registerDeviceValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(60),
  kind: vine.enum(['gate', 'scanner', 'face_gate'] as const),
  siteId: vine.number().withoutDecimals().positive(),
})

export const checkinSearchValidator = vine.create({
  date: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
  sessionId: vine.number().withoutDecimals().positive().optional(),
  ticketId: vine.number().withoutDecimals().positive().optional(),
  deviceId: vine.number().withoutDecimals().positive().optional(),
  result: vine.string().trim().maxLength(20).optional(),
  limit: vine.number().withoutDecimals().range([1, 500]).optional(),
})
