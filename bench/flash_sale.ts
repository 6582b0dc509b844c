/*
 * Flash sale: how fast can the full HTTP stack hold places of ONE hot session, against what
 * PostgreSQL itself can do on one hot capacity row on this machine, measured in the same run.
 *
 *   npm run bench:flash-sale [-- --places 10000 --connections 64 --seconds 8]
 *
 * 1. Starts the app (start/server.ts) as a child process on the real PostgreSQL (DATABASE_URL,
 *    else the embedded one), database `<name>_bench` (see bench/support.ts), recreated each run.
 * 2. Creates a venue through POST /signup and a session with N places (one quota).
 * 3. Baseline: a raw `pg` loop, 10 connections (the app's pool size), runs the minimal
 *    conditional-update-plus-insert on a separate N-place quota until it is sold out.
 * 4. The sale: autocannon (loopback only, bounded in time) fires POST /api/holds for one place.
 * 5. Prints holds/s (successful holds over the time it took to sell them), p50/p99 latency,
 *    non-2xx/409 errors, the oversell count (must be 0) and the ratio to the baseline.
 */
import { parseArgs } from 'node:util'
import pg from 'pg'
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon'
import { POOL, startBenchApp, type BenchApp } from './support.js'

const { values: args } = parseArgs({
  options: {
    places: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '8' },
  },
})
const PLACES = Number(args.places)
const CONNECTIONS = Number(args.connections)
const SECONDS = Number(args.seconds)

async function seed(app: BenchApp) {
  const { schema, one } = await app.venue('flash-sale')
  const site = await one(`insert into $s.sites (name, created_at, updated_at) values ('Arena', now(), now()) returning id`)
  const product = await one(
    `insert into $s.products (site_id, name, kind, base_price, status, created_at, updated_at) values ($1, 'Standing', 'adult', 38000, 'on_sale', now(), now()) returning id`,
    [site.id]
  )
  const session = await one(
    `insert into $s.sessions (site_id, kind, starts_at, ends_at, created_at, updated_at) values ($1, 'performance', now() + interval '7 days', now() + interval '7 days 3 hours', now(), now()) returning id`,
    [site.id]
  )
  // The baseline's quota counts no product, so the sale never draws on it.
  const quota = async (name: string, counted: boolean) => {
    const row = await one(`insert into $s.quotas (session_id, name, capacity, created_at, updated_at) values ($1, $2, $3, now(), now()) returning id`, [session.id, name, PLACES])
    if (counted) await one(`insert into $s.quota_products (quota_id, product_id) values ($1, $2)`, [row.id, product.id])
    return Number(row.id)
  }
  return { schema, productId: Number(product.id), sessionId: Number(session.id), saleQuota: await quota('Sale', true), baselineQuota: await quota('Baseline', false) }
}

/** PostgreSQL's ceiling: the minimal one-statement conditional hold, POOL loops in parallel. */
async function baseline(databaseUrl: string, schema: string, quotaId: number) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL })
  const sql = `with taken as (
      update "${schema}".quotas set held = held + 1 where id = $1 and capacity - held - sold >= 1 returning id)
    insert into "${schema}".holds (id, expires_at) select gen_random_uuid(), now() + interval '15 minutes' from taken returning id`
  const started = performance.now()
  let holds = 0
  await Promise.all(
    Array.from({ length: POOL }, async () => {
      for (;;) {
        const { rowCount } = await pool.query(sql, [quotaId])
        if (!rowCount) return
        holds++
      }
    })
  )
  const seconds = (performance.now() - started) / 1000
  await pool.end()
  return { holds, perSecond: holds / seconds }
}

async function main() {
  const app = await startBenchApp()
  const { base, databaseUrl, db } = app
  try {
    const sale = await seed(app)
    const ceiling = await baseline(databaseUrl, sale.schema, sale.baselineQuota)

    const result = await autocannon({
      url: `${base}/t/flash-sale/api/holds`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept': 'application/json' },
      body: JSON.stringify({ items: [{ productId: sale.productId, sessionId: sale.sessionId, quantity: 1 }] }),
      connections: CONNECTIONS,
      duration: SECONDS,
    })
    const count = (code: number) => Number((result.statusCodeStats as any)?.[code]?.count ?? 0)
    const created = count(201)
    const soldOut = count(409)
    const errors = result.non2xx - soldOut + result.errors + result.timeouts

    const state = (
      await db.query(
        `select q.capacity, q.held, q.sold,
                count(h.id)::int as holds, extract(epoch from max(h.created_at) - min(h.created_at)) as span
         from "${sale.schema}".quotas q
         left join "${sale.schema}".holds h on h.quotas @> jsonb_build_array(jsonb_build_object('quota_id', q.id))
         where q.id = $1 group by q.id`,
        [sale.saleQuota]
      )
    ).rows[0]
    const oversold = Math.max(0, state.held + state.sold - state.capacity) + Math.max(0, created - state.capacity)
    const holdsPerSecond = state.holds / Math.max(Number(state.span), 0.001)

    console.log(
      [
        '',
        `flash sale: ${PLACES} places, ${CONNECTIONS} connections, ${SECONDS} s at most (${app.embedded ? 'embedded' : 'configured'} PostgreSQL, pool ${POOL})`,
        `  PostgreSQL ceiling (raw pg, one hot row): ${ceiling.perSecond.toFixed(0)} holds/s`,
        `  through HTTP:                             ${holdsPerSecond.toFixed(0)} holds/s  = ${(holdsPerSecond / ceiling.perSecond).toFixed(2)} × ceiling`,
        `  latency (all responses): p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; requests ${result.requests.total}`,
        `  201 held ${created}, 409 sold out ${soldOut}, errors ${errors}`,
        `  quota: capacity ${state.capacity}, held ${state.held}, sold ${state.sold}, hold rows ${state.holds}`,
        `  oversold: ${oversold}`,
        '',
      ].join('\n')
    )
    // Holds can outnumber the 201s autocannon counted (requests in flight when its time ran out), never the reverse.
    if (oversold > 0 || created > state.holds) process.exitCode = 1
  } finally {
    await app.stop()
  }
}

await main()
