/*
 * Check-in: how many verify-and-consume scans per second the device API answers, and how fast
 * it answers a 100-gate venue scanning once per second per gate (target: p99 < 50 ms).
 *
 *   npm run bench:checkin [-- --tickets 20000 --connections 32 --seconds 8]
 *
 * 1. Starts the app (bench/support.ts) and a venue with one session open for entry now, N free
 *    tickets (inserted directly, then spread over family orders of 4), their codes fetched through
 *    the visitor API, and a gate registered through the console.
 * 2. Baseline, same run: PostgreSQL's own ceiling for the same work without HTTP: 10 raw `pg`
 *    connections (the app's pool) each running the scan's transaction (lock the ticket, count the
 *    entry, record the scan) over a second set of tickets.
 * 3. Throughput: autocannon fires signed POST /device/api/scans, each with the next ticket's code
 *    (signature checked, row locked, entry counted, scan recorded) and a fresh nonce.
 * 4. A 100-gate venue: 100 gates, each scanning once a second at its own moment (visitors do
 *    not arrive in step), for 10 s; p50/p99 of what each gate waited.
 * Prints scans/s, the ratio to the baseline, latencies, and counts (every ticket admitted once).
 */
import { createHmac, randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon'
import pg from 'pg'
import { POOL, startBenchApp, type BenchApp } from './support.js'
import { deviceAuthorization } from '#checkin/device_signature'

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
    [order.id, product.id, session.id, 2 * TICKETS]
  )
  const token = createHmac('sha256', APP_KEY).update(`order-access:${tenantId}:${order.number}`).digest('base64url')
  const listed = await fetch(`${app.base}/t/${SLUG}/api/orders/${order.number}/tickets`, { headers: { 'x-order-token': token, 'accept': 'application/json' } })
  if (listed.status !== 200) throw new Error(`tickets: ${listed.status} ${await listed.text()}`)
  const all = ((await listed.json()) as { tickets: { code: string }[] }).tickets.map((ticket) => ticket.code)
  // Families of four, as venues sell them (codes do not depend on the order).
  await one(
    `with families as (
       insert into $s.orders (number, status, contact_phone, total_amount, hold_id, expires_at)
       select 'T261125' || lpad(n::text, 10, '0'), 'issued', '13800138000', 0, gen_random_uuid(), now() from generate_series(1, $1) n
       returning id, number)
     update $s.order_tickets t set order_id = f.id
     from families f, (select min(id) as first from $s.order_tickets) m
     where t.order_id = $2 and f.number = 'T261125' || lpad(((t.id - m.first) / 4 + 1)::text, 10, '0')`,
    [Math.ceil(TICKETS / 2), order.id]
  )
  const codes = all.slice(0, TICKETS)
  const baselineTickets = (await app.db.query(`select id from "${schema}".order_tickets order by id offset $1`, [TICKETS])).rows.map((row) => Number(row.id))

  const consoleCall = await consoleSession(app.base)
  const registered = await consoleCall('POST', '/devices', { name: 'Bench gate', kind: 'gate', siteId: Number(site.id) })
  if (registered.status !== 201) throw new Error(`device: ${registered.status} ${await registered.text()}`)
  const { device, secret } = (await registered.json()) as { device: { keyId: string }; secret: string }
  return { schema, codes, keyId: device.keyId, secret, baselineTickets, siteId: Number(site.id) }
}

/** The scan's database work without HTTP: what PostgreSQL alone can do here. */
async function baseline(databaseUrl: string, schema: string, tickets: number[], siteId: number) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL })
  const started = performance.now()
  let next = 0
  let scans = 0
  await Promise.all(
    Array.from({ length: POOL }, async () => {
      const client = await pool.connect()
      try {
        for (let ticket = tickets[next++]; ticket !== undefined && performance.now() - started < SECONDS * 1000; ticket = tickets[next++]) {
          await client.query('begin')
          await client.query("select set_config('search_path', $1, true)", [schema])
          await client.query('select t.*, p.entries_per_ticket from order_tickets t join products p on p.id = t.product_id join sessions s on s.id = t.session_id where t.id = $1 for update of t', [ticket])
          await client.query("update order_tickets set admitted = admitted + 1, entries_used = entries_used + 1, inside = true, status = 'used' where id = $1", [ticket])
          await client.query(`insert into checkins (nonce, method, site_id, ticket_id, result, occurred_at) values ($1, 'qr', $2, $3, 'baseline', now())`, [randomUUID(), siteId, ticket])
          await client.query('commit')
          scans++
        }
      } finally {
        client.release()
      }
    })
  )
  const seconds = (performance.now() - started) / 1000
  await pool.end()
  return scans / seconds
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
        request.headers = {
          'content-type': 'application/json',
          'accept': 'application/json',
          'authorization': deviceAuthorization(keyId, secret, { method: 'POST', pathWithQuery: path, body, nonce: randomUUID() }),
        }
        request.body = body
        return request
      },
    },
  ]
}

/** 100 gates, each scanning once a second from its own random start; every wait measured. */
async function hundredGates(base: string, codes: string[], keyId: string, secret: string) {
  const path = `/t/${SLUG}/device/api/scans`
  const waits: number[] = []
  let next = 0
  let non2xx = 0
  const until = performance.now() + 10_000
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000))
      for (let due = performance.now(); due < until; due += 1000) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())))
        const body = JSON.stringify({ code: codes[next++], method: 'qr', nonce: randomUUID() })
        const started = performance.now()
        const response = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'accept': 'application/json', 'authorization': deviceAuthorization(keyId, secret, { method: 'POST', pathWithQuery: path, body, nonce: randomUUID() }) },
          body,
        })
        await response.arrayBuffer()
        waits.push(performance.now() - started)
        if (response.status >= 300) non2xx++
      }
    })
  )
  waits.sort((a, b) => a - b)
  const at = (q: number) => Math.round(waits[Math.min(waits.length - 1, Math.floor(q * waits.length))])
  return { scans: waits.length, p50: at(0.5), p99: at(0.99), non2xx }
}

async function main() {
  const app = await startBenchApp()
  try {
    const { schema, codes, keyId, secret, baselineTickets, siteId } = await seed(app)
    const ceiling = await baseline(app.databaseUrl, schema, baselineTickets, siteId)
    // One gate alone: the time a scan takes with nothing else going on.
    const alone = await autocannon({ url: app.base, connections: 1, amount: 300, requests: scanRequests(codes.slice(-300), keyId, secret) })
    const throughput = await autocannon({ url: app.base, connections: CONNECTIONS, duration: SECONDS, requests: scanRequests(codes, keyId, secret) })
    const venue = await hundredGates(app.base, codes.slice(0, -300).reverse(), keyId, secret)

    const counts = (await app.db.query(`select result, count(*)::int as n from "${schema}".checkins where result <> 'baseline' group by result order by result`)).rows
    const tickets = (await app.db.query(`select count(*) filter (where admitted = 1)::int as once, count(*) filter (where admitted > 1)::int as twice from "${schema}".order_tickets where id <= (select min(id) from "${schema}".order_tickets) + $1 - 1`, [TICKETS])).rows[0]
    console.log(
      [
        '',
        `check-in verify: ${codes.length} tickets, ${CONNECTIONS} connections, ${SECONDS} s (${app.embedded ? 'embedded' : 'configured'} PostgreSQL)`,
        `  PostgreSQL ceiling (raw pg, the scan's transaction, pool ${POOL}): ${ceiling.toFixed(0)} scans/s`,
        `  signed verify-and-consume over HTTP: ${throughput.requests.average.toFixed(0)} scans/s = ${(throughput.requests.average / ceiling).toFixed(2)} × ceiling; p50 ${throughput.latency.p50} ms, p99 ${throughput.latency.p99} ms; non-2xx ${throughput.non2xx}, errors ${throughput.errors}`,
        `  one gate alone: p50 ${alone.latency.p50} ms, p99 ${alone.latency.p99} ms`,
        `  100 gates at 1 scan/s each:  ${venue.scans} scans in 10 s; p50 ${venue.p50} ms, p99 ${venue.p99} ms (target p99 < 50 ms); non-2xx ${venue.non2xx}`,
        `  scans recorded: ${counts.map((row: any) => `${row.result} ${row.n}`).join(', ')}`,
        `  tickets admitted once: ${tickets.once}, more than once: ${tickets.twice}`,
        '',
      ].join('\n')
    )
    if (tickets.twice > 0 || throughput.non2xx > 0 || venue.non2xx > 0 || alone.non2xx > 0) process.exitCode = 1
  } finally {
    await app.stop()
  }
}

await main()
