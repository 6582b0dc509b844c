/*
 * How a device signs its requests (and how the device API checks them; see Devices and
 * docs/devices.md):
 *
 *   Authorization: TESSERA-DEVICE keyId="dk_…",timestamp="<unix s>",nonce="<random>",signature="<base64>"
 *   signature = base64(HMAC-SHA256(key, METHOD \n path?query \n timestamp \n nonce \n hex(sha256(body))))
 */
import { createHash, createHmac } from 'node:crypto'

export function deviceSignature(secret: string, request: { method: string; pathWithQuery: string; timestamp: string; nonce: string; body: string }) {
  const bodyHash = createHash('sha256').update(request.body).digest('hex')
  return createHmac('sha256', Buffer.from(secret, 'base64url'))
    .update(`${request.method.toUpperCase()}\n${request.pathWithQuery}\n${request.timestamp}\n${request.nonce}\n${bodyHash}`)
    .digest('base64')
}

export function deviceAuthorization(keyId: string, secret: string, request: { method: string; pathWithQuery: string; body: string; timestamp?: string; nonce: string }) {
  const timestamp = request.timestamp ?? String(Math.floor(Date.now() / 1000))
  const signature = deviceSignature(secret, { ...request, timestamp })
  return `TESSERA-DEVICE keyId="${keyId}",timestamp="${timestamp}",nonce="${request.nonce}",signature="${signature}"`
}
