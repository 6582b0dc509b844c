/*
 * Availability stays fast however long the series: a month of days for a product with a YEAR of
 * hourly slots must cost about what it costs for a product with one month of them.
 *
 *   npm run bench:availability
 *
 * Seeds two products (one with 31 days of hourly slots, one with 366 days), then times GET
 * /api/products/:id/availability for the same 31-day window, sequentially, many times each,
 * interleaved, and prints the medians and their ratio (≈ 1.0 means the series length is free).
 */
import { startBenchApp } from './support.js'

const ROUNDS = 200

async function main() {
  const app = await startBenchApp()
  try {
    const { one } = await app.venue('long-series')
    const site = await one(`insert into $s.sites (name, created_at, updated_at) values ('Park', now(), now()) returning id`)
    const seed = async (name: string, days: number) => {
      const product = await one(
        `insert into $s.products (site_id, name, kind, base_price, status, created_at, updated_at) values ($1, $2, 'adult', 8000, 'on_sale', now(), now()) returning id`,
        [site.id, name]
      )
      // One hourly slot from 08:00 to 17:00 every day, each with a quota for this product only.
      await one(
        `with slots as (
           insert into $s.sessions (site_id, kind, starts_at, ends_at, created_at, updated_at)
           select $1, 'slot', t, t + interval '1 hour', now(), now()
           from generate_series(date_trunc('day', now()) + interval '1 day 8 hours',
                                date_trunc('day', now()) + make_interval(days => $2::int) + interval '16 hours', interval '1 hour') as t
           where extract(hour from t) between 8 and 16
           returning id),
         quotas as (
           insert into $s.quotas (session_id, name, capacity, created_at, updated_at)
           select id, 'Slot', 300, now(), now() from slots returning id)
         insert into $s.quota_products (quota_id, product_id) select id, $3 from quotas`,
        [site.id, days, product.id]
      )
      return Number(product.id)
    }
    const month = await seed('Month of slots', 31)
    const year = await seed('Year of slots', 366)
    const sessions = await one(`select count(*)::int as n from $s.sessions`)

    const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const to = new Date(Date.now() + 31 * 86_400_000).toISOString().slice(0, 10)
    const time = async (productId: number) => {
      const started = performance.now()
      const response = await fetch(`${app.base}/t/long-series/api/products/${productId}/availability?from=${from}&to=${to}`)
      const body = (await response.json()) as { days: unknown[] }
      if (response.status !== 200 || body.days.length < 28) throw new Error(`unexpected answer ${response.status}`)
      return performance.now() - started
    }
    const samples = { month: [] as number[], year: [] as number[] }
    for (let i = 0; i < 20; i++) await Promise.all([time(month), time(year)]) // warm up
    for (let i = 0; i < ROUNDS; i++) {
      samples.month.push(await time(month))
      samples.year.push(await time(year))
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
    const [m, y] = [median(samples.month), median(samples.year)]
    console.log(
      [
        '',
        `availability of a 31-day window (${sessions.n} sessions in the venue, ${ROUNDS} requests each, ${app.embedded ? 'embedded' : 'configured'} PostgreSQL)`,
        `  product with 31 days of hourly slots:  median ${m.toFixed(2)} ms`,
        `  product with 366 days of hourly slots: median ${y.toFixed(2)} ms`,
        `  ratio year / month: ${(y / m).toFixed(2)}`,
        '',
      ].join('\n')
    )
  } finally {
    await app.stop()
  }
}

await main()
