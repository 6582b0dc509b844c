/*
 * A gate or scanner talking to the device API as a real one does: every request signed with its key.
 */
import { randomUUID } from 'node:crypto'
import { deviceSignature } from '#checkin/device_signature'
import type Tenant from '#tenancy/models/tenant'

export interface DeviceCredentials {
  keyId: string
  secret: string
}

export function deviceClient(tenant: Tenant, credentials: DeviceCredentials) {
  const base = `http://${process.env.HOST}:${process.env.PORT}`
  const call = async (method: 'GET' | 'POST', path: string, json?: unknown, tamper: { timestamp?: number; nonce?: string; secret?: string } = {}) => {
    const pathWithQuery = `/t/${tenant.slug}/device/api${path}`
    const body = json === undefined ? '' : JSON.stringify(json)
    const timestamp = String(tamper.timestamp ?? Math.floor(Date.now() / 1000))
    const nonce = tamper.nonce ?? randomUUID()
    const signature = deviceSignature(tamper.secret ?? credentials.secret, { method, pathWithQuery, timestamp, nonce, body })
    const response = await fetch(`${base}${pathWithQuery}`, {
      method,
      headers: {
        'content-type': 'application/json',
        'authorization': `TESSERA-DEVICE keyId="${credentials.keyId}",timestamp="${timestamp}",nonce="${nonce}",signature="${signature}"`,
      },
      body: method === 'GET' ? undefined : body,
    })
    const text = await response.text()
    return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : null }
  }
  return {
    call,
    scan: (input: Record<string, unknown>) => call('POST', '/scans', { method: 'qr', nonce: randomUUID(), ...input }),
  }
}
