/*
 * Requests a machine signs with its key: gates and scanners (TESSERA-DEVICE, docs/devices.md) and
 * distributors (TESSERA-DISTRIBUTOR, docs/distributors.md) sign the same way:
 *
 *   Authorization: <SCHEME> keyId="…",timestamp="<unix s>",nonce="<random>",signature="<base64>"
 *   signature = base64(HMAC-SHA256(key, METHOD \n path?query \n timestamp \n nonce \n hex(sha256(body))))
 *
 * A request more than 5 minutes off, or repeating a nonce of its key within the window, is
 * refused. Nonces are remembered per process (a replay to another process within the window is
 * caught by what it asks: scans and orders are idempotent by their own ids).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'

export const MAX_SKEW_SECONDS = 300

export interface RequestToSign {
  method: string
  pathWithQuery: string
  timestamp: string
  nonce: string
  body: string
}

export type SignatureRefusal = 'unsigned' | 'stale' | 'unknown_key' | 'bad_signature' | 'replayed'

export function requestSignature(key: Buffer | string, request: RequestToSign) {
  const bodyHash = createHash('sha256').update(request.body).digest('hex')
  return createHmac('sha256', key)
    .update(`${request.method.toUpperCase()}\n${request.pathWithQuery}\n${request.timestamp}\n${request.nonce}\n${bodyHash}`)
    .digest('base64')
}

export function signedAuthorization(
  scheme: string,
  keyId: string,
  key: Buffer | string,
  request: Omit<RequestToSign, 'timestamp'> & { timestamp?: string }
) {
  const timestamp = request.timestamp ?? String(Math.floor(Date.now() / 1000))
  const signature = requestSignature(key, { ...request, timestamp })
  return `${scheme} keyId="${keyId}",timestamp="${timestamp}",nonce="${request.nonce}",signature="${signature}"`
}

function parse(scheme: string, header: string | undefined) {
  const match = header?.match(new RegExp(`^${scheme}\\s+(.+)$`))
  if (!match) return null
  const fields = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]))
  return fields.keyId && fields.timestamp && fields.nonce && fields.signature ? fields : null
}

const seenNonces = new Map<string, number>()

/** Nonces of the last few minutes, per process: a replayed request is refused. */
function firstUse(scope: string, nonce: string): boolean {
  const now = Date.now()
  if (seenNonces.size > 50_000) for (const [key, until] of seenNonces) if (until < now) seenNonces.delete(key)
  const key = `${scope}:${nonce}`
  if ((seenNonces.get(key) ?? 0) > now) return false
  seenNonces.set(key, now + 2 * MAX_SKEW_SECONDS * 1000)
  return true
}

export type SignedRequestCheck<K> =
  | { ok: true; keyId: string; signer: K }
  | { ok: false; reason: SignatureRefusal; keyId?: string; signer?: K }

/**
 * Checks a signed request: its form, its signature with the key `keyOf` finds for its key id
 * (null: unknown or revoked), its time, then its nonce (last, so a request not signed with the
 * key cannot use up a nonce). `scope` keeps one venue's nonces apart from another's.
 */
export async function checkSignedRequest<K>(
  scheme: string,
  scope: string,
  request: { authorization?: string; method: string; pathWithQuery: string; body: string },
  keyOf: (keyId: string) => Promise<{ key: Buffer | string; signer: K } | null>
): Promise<SignedRequestCheck<K>> {
  const auth = parse(scheme, request.authorization)
  if (!auth) return { ok: false, reason: 'unsigned' }
  const found = await keyOf(auth.keyId)
  if (!found) return { ok: false, reason: 'unknown_key', keyId: auth.keyId }
  const expected = Buffer.from(requestSignature(found.key, { ...request, timestamp: auth.timestamp, nonce: auth.nonce }))
  const given = Buffer.from(auth.signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad_signature', keyId: auth.keyId, signer: found.signer }
  }
  if (!(Math.abs(Date.now() / 1000 - Number(auth.timestamp)) <= MAX_SKEW_SECONDS)) return { ok: false, reason: 'stale', keyId: auth.keyId, signer: found.signer }
  if (!firstUse(`${scope}:${auth.keyId}`, auth.nonce)) return { ok: false, reason: 'replayed', keyId: auth.keyId, signer: found.signer }
  return { ok: true, keyId: auth.keyId, signer: found.signer }
}

/** What a signature covers in an incoming request: its header, method, path with query and raw body. */
export function signedPartsOf(ctx: HttpContext) {
  return {
    authorization: ctx.request.header('authorization'),
    method: ctx.request.method(),
    pathWithQuery: ctx.request.url(true),
    body: ctx.request.raw() ?? '',
  }
}
