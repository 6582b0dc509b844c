/*
 * Check-in: how many verify-and-consume scans per second the device API answers, and how fast
 * it answers a 100-gate venue scanning once per second per gate (target: p99 < 50 ms).
 *
 *   npm run bench:checkin [-- --tickets 20000 --connections 32 --seconds 8]
 *
 * 1. Starts the app (bench/support.ts) and a venue with one session open for entry now, N free
 *    tickets issued to one order (inserted directly), and a gate registered through the console.
 * 2. Baseline, same run: GET /health at full speed (the HTTP stack's own floor on this machine).
 * 3. Throughput: autocannon fires signed POST /device/api/scans, each with the next ticket's code
 *    (signature checked, row locked, entry counted, scan recorded) and a fresh nonce.
 * 4. A 100-gate venue: 100 connections at 100 scans/s overall; p50/p99.
 * Prints scans/s, the ratio to the baseline, latencies, and counts (every ticket admitted once).
 */
import { createHmac, randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon'
import { startBenchApp, type BenchApp } from './support.js'
import { deviceSignature } from '#checkin/services/devices'

const { values: args } = parseArgs({
  options: {
    tickets: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '8' },
  },
})
const TICKETS = Number(args.tickets)
const CONNECTIONS = Number(args.connections)
const SECONDS = Number(args.seconds)
const SLUG = 'gate-bench'
/** bench/support.ts starts the app with this key; the order's access token is derived from it (see Checkout). */
const APP_KEY = 'bench-key-bench-key-bench-key-32'

/** Signs in to the console (session cookie + CSRF token), as a browser would. */
async function consoleSession(base: string) {
  const jar = new Map<string, string>()
  const remember = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const [name, ...value] = pair.split('=')
      jar.set(name, value.join('='))
    }
  }
  const call = async (method: string, path: string, json?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'accept': 'application/json', 'cookie': [...jar].map(([k, v]) => `${k}=${v}`).join('; ') }
    const xsrf = jar.get('XSRF-TOKEN')
    if (xsrf) headers['x-xsrf-token'] = decodeURIComponent(xsrf)
    const response = await fetch(`${base}/t/${SLUG}/console/api${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) })
    remember(response)
    return response
  }
  await call('GET', '/me')
  const login = await call('POST', '/login', { email: `bench@${SLUG}.test`, password: 'Bench-pass-12345' })
  if (login.status !== 200) throw new Error(`console login failed: ${login.status} ${await login.text()}`)
  return call
}

async function seed(app: BenchApp) {
  const { schema, one } = await app.venue(SLUG)
  const tenantId = Number(schema.replace('tenant_', ''))
  const site = await one(`insert into $s.sites (name, created_at, updated_at) values ('Main gate', now(), now()) returning id`)
  const product = await one(`insert into $s.products (site_id, name, kind, base_price, status, created_at, updated_at) values ($1, 'Entry', 'free', 0, 'on_sale', now(), now()) returning id`, [site.id])
  const session = await one(
    `insert into $s.sessions (site_id, kind, starts_at, ends_at, created_at, updated_at) values ($1, 'slot', now() - interval '10 minutes', now() + interval '3 hours', now(), now()) returning id`,
    [site.id]
  )
  const order = await one(
    `insert into $s.orders (number, status, contact_phone, total_amount, hold_id, expires_at) values ('T261125BENCH00001', 'issued', '13800138000', 0, gen_random_uuid(), now()) returning id, number`
  )
  await one(
    `insert into $s.order_tickets (order_id, product_id, session_id, hold_id, price, status)
     select $1, $2, $3, gen_random_uuid(), 0, 'valid' from generate_series(1, $4)`,
    [order.id, product.id, session.id, TICKETS]
  )
  const token = createHmac('sha256', APP_KEY).update(`order-access:${tenantId}:${order.number}`).digest('base64url')
  const listed = await fetch(`${app.base}/t/${SLUG}/api/orders/${order.number}/tickets`, { headers: { 'x-order-token': token, 'accept': 'application/json' } })
  if (listed.status !== 200) throw new Error(`tickets: ${listed.status} ${await listed.text()}`)
  const codes = ((await listed.json()) as { tickets: { code: string }[] }).tickets.map((ticket) => ticket.code)

  const consoleCall = await consoleSession(app.base)
  const registered = await consoleCall('POST', '/devices', { name: 'Bench gate', kind: 'gate', siteId: Number(site.id) })
  if (registered.status !== 201) throw new Error(`device: ${registered.status} ${await registered.text()}`)
  const { device, secret } = (await registered.json()) as { device: { keyId: string }; secret: string }
  return { schema, codes, keyId: device.keyId, secret }
}

function scanRequests(codes: string[], keyId: string, secret: string) {
  const path = `/t/${SLUG}/device/api/scans`
  let next = 0
  return [
    {
      method: 'POST',
      path,
      setupRequest(request: any) {
        const body = JSON.stringify({ code: codes[next++ % codes.length], method: 'qr', nonce: randomUUID() })
        const timestamp = String(Math.floor(Date.now() / 1000))
        const nonce = randomUUID()
        const signature = deviceSignature(secret, { method: 'POST', pathWithQuery: path, timestamp, nonce, body })
        request.headers = {
          'content-type': 'application/json',
          'accept': 'application/json',
          'authorization': `TESSERA-DEVICE keyId="${keyId}",timestamp="${timestamp}",nonce="${nonce}",signature="${signature}"`,
        }
        request.body = body
        return request
      },
    },
  ]
}

async function main() {
  const app = await startBenchApp()
  try {
    const { schema, codes, keyId, secret } = await seed(app)
    const health = await autocannon({ url: `${app.base}/health`, connections: CONNECTIONS, duration: Math.max(3, SECONDS / 2) })
    const throughput = await autocannon({ url: app.base, connections: CONNECTIONS, duration: SECONDS, requests: scanRequests(codes, keyId, secret) })
    const venue = await autocannon({ url: app.base, connections: 100, overallRate: 100, duration: 10, requests: scanRequests(codes.slice().reverse(), keyId, secret) })

    const counts = (await app.db.query(`select result, count(*)::int as n from "${schema}".checkins group by result order by result`)).rows
    const tickets = (await app.db.query(`select count(*) filter (where admitted = 1)::int as once, count(*) filter (where admitted > 1)::int as twice from "${schema}".order_tickets`)).rows[0]
    const ok = (result: any) => result.requests.total - result.non2xx - result.errors - result.timeouts
    console.log(
      [
        '',
        `check-in verify: ${codes.length} tickets, ${CONNECTIONS} connections, ${SECONDS} s (${app.embedded ? 'embedded' : 'configured'} PostgreSQL)`,
        `  baseline GET /health:        ${health.requests.average.toFixed(0)} req/s`,
        `  signed verify-and-consume:   ${throughput.requests.average.toFixed(0)} scans/s = ${(throughput.requests.average / health.requests.average).toFixed(2)} × baseline; p50 ${throughput.latency.p50} ms, p99 ${throughput.latency.p99} ms; non-2xx ${throughput.non2xx}, errors ${throughput.errors}`,
        `  100 gates at 1 scan/s each:  ${ok(venue)} scans in 10 s; p50 ${venue.latency.p50} ms, p99 ${venue.latency.p99} ms (target p99 < 50 ms); non-2xx ${venue.non2xx}`,
        `  scans recorded: ${counts.map((row: any) => `${row.result} ${row.n}`).join(', ')}`,
        `  tickets admitted once: ${tickets.once}, more than once: ${tickets.twice}`,
        '',
      ].join('\n')
    )
    if (tickets.twice > 0 || throughput.non2xx > 0 || venue.non2xx > 0) process.exitCode = 1
  } finally {
    await app.stop()
  }
}

await main()
