/*
 * An outside system receiving Tessera's webhooks (a venue's ERP, a distributor's callback URL): it
 * verifies every request's signature the way docs/webhooks.md says (HMAC-SHA256 over
 * `${timestamp}.${rawBody}`, a fresh timestamp, compared in constant time) and records what came.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  eventId: string
  eventType: string
  verified: boolean
  body: any
}

/**
 * Listens on a free local port. It answers 401 to a request whose signature does not verify,
 * 500 to the first attempt of each event when `failFirst`, and 200 otherwise. It learns the
 * secret (shown once by the console) through `useSecret`.
 */
export async function webhookReceiver(options: { failFirst?: boolean; path?: string } = {}) {
  const received: Received[] = []
  let secret = ''
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const timestamp = String(request.headers['tessera-timestamp'])
      const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`)
      const given = Buffer.from(String(request.headers['tessera-signature']))
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300
      const verified = fresh && given.length === expected.length && timingSafeEqual(given, expected)
      const eventId = String(request.headers['tessera-event-id'])
      const seenBefore = received.some((r) => r.eventId === eventId)
      received.push({ eventId, eventType: String(request.headers['tessera-event-type']), verified, body: JSON.parse(raw) })
      response.statusCode = !verified ? 401 : options.failFirst && !seenBefore ? 500 : 200
      response.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.path ?? '/hooks'}`,
    received,
    useSecret: (value: string) => (secret = value),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type WebhookReceiver = Awaited<ReturnType<typeof webhookReceiver>>
