/*
 * Shared by the venue tests: a venue's owner and an API token for uploads (multipart is sent with
 * a bearer token: no cookie, no CSRF header needed), and small image files built in code.
 */
import type { ApiClient } from '@japa/api-client'
import { encodePng } from '#catalog/services/venue_demo'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant, OWNER_PASSWORD } from '#tests/helpers/tenants'

export async function venueWithOwner(client: ApiClient) {
  const venue = await createTenant()
  const owner = await consoleAgent(client, venue.tenant.slug, venue.email, OWNER_PASSWORD)
  const { token } = (await owner.post('/tokens', { name: 'Uploads' })).body()
  return { ...venue, owner, token: token.plainToken as string }
}

export function upload(client: ApiClient, slug: string, token: string, bytes: Buffer, filename: string, contentType: string) {
  return client
    .post(`/t/${slug}/console/api/venue-images`)
    .header('authorization', `Bearer ${token}`)
    .header('accept', 'application/json')
    .file('file', bytes, { filename, contentType })
}

/** A PNG of the given size in one colour (different colours, different files). */
export const png = (width: number, height: number, color: [number, number, number] = [25, 137, 250]) => encodePng(width, height, () => color)

/**
 * A baseline JPEG of 2 × 1 grey pixels: one 8×8 block whose DC difference and AC coefficients
 * are all zero, with one-code Huffman tables.
 */
export function jpeg() {
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body]
  const oneCodeTable = (tableClass: number) => [tableClass, 1, ...new Array(15).fill(0), 0x00]
  return Buffer.from([
    0xff, 0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0x00, ...new Array(64).fill(1)]),
    ...segment(0xc0, [8, 0, 1, 0, 2, 1, 1, 0x11, 0]),
    ...segment(0xc4, oneCodeTable(0x00)),
    ...segment(0xc4, oneCodeTable(0x10)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff, 0xd9,
  ])
}

/** The header of an extended WebP (VP8X) with a 640 × 360 canvas. */
export function webp() {
  const bytes = Buffer.alloc(30)
  bytes.write('RIFF', 0, 'latin1')
  bytes.writeUInt32LE(22, 4)
  bytes.write('WEBPVP8X', 8, 'latin1')
  bytes.writeUInt32LE(10, 16)
  bytes.writeUIntLE(639, 24, 3)
  bytes.writeUIntLE(359, 27, 3)
  return bytes
}

/** The console API on a venue's own host (or any host), with a bearer token. */
export const onHost = (client: ApiClient, host: string, base: string) => new Agent(client, base, { host })
