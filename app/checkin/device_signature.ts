/*
 * How a device signs its requests (and how the device API checks them; see Devices and
 * docs/devices.md): the machine signature of core/signed_requests.ts with the scheme
 * TESSERA-DEVICE and the device's secret (base64url-decoded) as the key.
 *
 *   Authorization: TESSERA-DEVICE keyId="dk_…",timestamp="<unix s>",nonce="<random>",signature="<base64>"
 *   signature = base64(HMAC-SHA256(key, METHOD \n path?query \n timestamp \n nonce \n hex(sha256(body))))
 */
import { requestSignature, signedAuthorization, type RequestToSign } from '#core/signed_requests'

export const DEVICE_SCHEME = 'TESSERA-DEVICE'

export const deviceKey = (secret: string) => Buffer.from(secret, 'base64url')

export function deviceSignature(secret: string, request: RequestToSign) {
  return requestSignature(deviceKey(secret), request)
}

export function deviceAuthorization(keyId: string, secret: string, request: Omit<RequestToSign, 'timestamp'> & { timestamp?: string }) {
  return signedAuthorization(DEVICE_SCHEME, keyId, deviceKey(secret), request)
}
