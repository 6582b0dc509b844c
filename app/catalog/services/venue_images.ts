/*
 * The images a venue uploads (logo, banners): PNG, JPEG or WebP, recognised by their bytes and
 * never by a file name or a browser's claim, at most 2 MB. SVG is refused: it is a document that
 * can carry script. Images are stored in the tenant's schema, so any app server can serve them.
 *
 * An image's URL is /media/<id>-<first 12 hex of its SHA-256>.<ext> under the venue's base path:
 * the content never changes under a URL, so it is served as immutable for a year.
 */
import { createHash } from 'node:crypto'
import { AppError, invalid, notFound } from '#core/app_error'
import { auditLog } from '#identity/audit/audit_log'
import { runInTenant, type TenantTransaction } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

const MAX_IMAGE_BYTES = 2 * 1024 * 1024
/** Wider or taller than this is not a logo or a banner, and costs a phone too much memory. */
const MAX_IMAGE_SIDE = 8192
const HASH_PREFIX = 12
const MEDIA_FILE = /^(\d{1,15})-([0-9a-f]{12})\.(png|jpg|webp)$/

const TYPES = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
} as const

export type ImageType = keyof typeof TYPES

interface ImageFacts {
  contentType: ImageType
  width: number
  height: number
}

/** The fields a URL is made from. */
export interface ImageKey {
  id: number
  sha256: string
  content_type: ImageType
}

function pngFacts(bytes: Buffer): ImageFacts | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return null
  return { contentType: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** Walks the JPEG segments to the first frame header (SOF0–SOF15 but DHT, JPG and DAC). */
function jpegFacts(bytes: Buffer): ImageFacts | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return null
  let offset = 2
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return null
    const marker = bytes[offset + 1]
    if (marker === 0xff) {
      offset += 1 // fill byte
      continue
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2 // markers without a length
      continue
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { contentType: 'image/jpeg', height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) }
    }
    offset += 2 + bytes.readUInt16BE(offset + 2)
  }
  return null
}

/** RIFF/WEBP with a lossy (VP8), lossless (VP8L) or extended (VP8X) first chunk. */
function webpFacts(bytes: Buffer): ImageFacts | null {
  if (bytes.length < 30 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return null
  const chunk = bytes.toString('latin1', 12, 16)
  if (chunk === 'VP8 ' && bytes[23] === 0x9d && bytes[24] === 0x01 && bytes[25] === 0x2a) {
    return { contentType: 'image/webp', width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff }
  }
  if (chunk === 'VP8L' && bytes[20] === 0x2f) {
    const bits = bytes.readUInt32LE(21)
    return { contentType: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
  }
  if (chunk === 'VP8X') {
    return { contentType: 'image/webp', width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 }
  }
  return null
}

/** What the bytes are (PNG, JPEG or WebP, with their size in pixels), or null for anything else. */
function inspectImage(bytes: Buffer): ImageFacts | null {
  return pngFacts(bytes) ?? jpegFacts(bytes) ?? webpFacts(bytes)
}

export function imagePath(image: ImageKey) {
  return `/media/${image.id}-${image.sha256.slice(0, HASH_PREFIX)}.${TYPES[image.content_type]}`
}

/** An image's URL under the venue's base path ('' on its own host, '/t/<slug>' on the prefix). */
export const imageUrl = (basePath: string, image: ImageKey) => `${basePath}${imagePath(image)}`

const METADATA = ['id', 'content_type', 'sha256', 'width', 'height', 'byte_size', 'created_at']

type ImageRow = ImageKey & { width: number; height: number; byte_size: number; created_at: Date }

const present = (basePath: string, row: ImageRow) => ({
  id: row.id,
  url: imageUrl(basePath, row),
  contentType: row.content_type,
  width: row.width,
  height: row.height,
  byteSize: row.byte_size,
  createdAt: row.created_at,
})

/** Refuses ids that name no image of the venue, reporting `field`. */
export async function assertImagesExist(trx: TenantTransaction, ids: number[], field: (id: number) => string) {
  const found = new Set((await trx.from('venue_images').whereIn('id', ids).select('id')).map((row) => row.id))
  const missing = ids.find((id) => !found.has(id))
  if (missing !== undefined) throw invalid(field(missing), `No such image: ${missing}`, 'E_IMAGE_NOT_FOUND')
}

export default class VenueImages {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new VenueImages(tenant)
  }

  /** Checks and stores an upload; the same bytes uploaded again give the stored image back. */
  async store(bytes: Buffer, basePath: string) {
    if (bytes.length > MAX_IMAGE_BYTES) throw invalid('file', 'An image may be at most 2 MB', 'E_IMAGE_TOO_LARGE')
    const facts = inspectImage(bytes)
    if (!facts) throw invalid('file', 'Upload a PNG, JPEG or WebP image', 'E_IMAGE_TYPE')
    if (facts.width < 1 || facts.height < 1 || facts.width > MAX_IMAGE_SIDE || facts.height > MAX_IMAGE_SIDE) {
      throw invalid('file', `An image is 1 to ${MAX_IMAGE_SIDE} pixels wide and high`, 'E_IMAGE_DIMENSIONS')
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    return runInTenant(this.tenant, async (trx) => {
      const [created]: ImageRow[] = await trx
        .table('venue_images')
        .insert({ data: bytes, content_type: facts.contentType, sha256, width: facts.width, height: facts.height, byte_size: bytes.length })
        .onConflict('sha256')
        .ignore()
        .returning(METADATA)
      if (!created) {
        const existing: ImageRow = await trx.from('venue_images').where('sha256', sha256).select(METADATA).firstOrFail()
        return { image: present(basePath, existing), created: false }
      }
      const image = present(basePath, created)
      await auditLog.tenant(trx, { action: 'venue_image.uploaded', subjectType: 'venue_image', subjectId: image.id, after: { ...image, sha256 } })
      return { image, created: true }
    })
  }

  list(basePath: string) {
    return runInTenant(this.tenant, async (trx) => {
      const rows: ImageRow[] = await trx.from('venue_images').select(METADATA).orderBy('id', 'desc')
      return rows.map((row) => present(basePath, row))
    })
  }

  /** Deletes an image nothing shows: not the logo, not a banner, not in a product's pictures. */
  destroy(id: number) {
    return runInTenant(this.tenant, async (trx) => {
      const row: ImageRow | undefined = await trx.from('venue_images').where('id', id).select(METADATA).forUpdate().first()
      if (!row) throw notFound('No such image', 'E_IMAGE_NOT_FOUND')
      const usedBy = await trx.rawQuery(
        `select (select count(*) from venue_profile where logo_image_id = ?)::int as logo,
                (select count(*) from venue_banners where image_id = ?)::int as banners,
                (select count(*) from products where images::text like ?)::int as products`,
        [id, id, `%${imagePath(row)}%`]
      )
      const uses = usedBy.rows[0] as { logo: number; banners: number; products: number }
      const places = Object.entries(uses).filter(([, count]) => count > 0).map(([place]) => place)
      if (places.length) {
        throw new AppError(`This image is in use (${places.join(', ')}): replace it there first`, { status: 409, code: 'E_IMAGE_IN_USE', meta: { usedBy: places } })
      }
      await trx.from('venue_images').where('id', id).delete()
      await auditLog.tenant(trx, { action: 'venue_image.deleted', subjectType: 'venue_image', subjectId: id, before: present('', row) })
    })
  }

  /** The bytes behind a media file name (<id>-<hash prefix>.<ext>); a wrong hash or extension is not found. */
  async file(name: string) {
    const [, id, hashPrefix, extension] = MEDIA_FILE.exec(name) ?? []
    if (!id) throw notFound('No such image', 'E_IMAGE_NOT_FOUND')
    return runInTenant(this.tenant, async (trx) => {
      const row: { data: Buffer; content_type: ImageType; sha256: string } | undefined = await trx
        .from('venue_images')
        .where('id', id)
        .select('data', 'content_type', 'sha256')
        .first()
      if (!row || !row.sha256.startsWith(hashPrefix) || TYPES[row.content_type] !== extension) throw notFound('No such image', 'E_IMAGE_NOT_FOUND')
      return { data: row.data, contentType: row.content_type }
    })
  }
}
