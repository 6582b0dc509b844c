/*
 * The visitor H5's home page on a phone over 4G: what it weighs and when it can be used.
 *
 *   npm run bench:visitor-home        (after npm run build:front)
 *
 * Seeds a venue with a few products, then opens its home page in Chromium (Debian's) as a phone
 * (390×844, touch, zh-CN) with the network throttled to "slow 4G" (150 ms RTT, 1.6 Mbit/s down,
 * 750 kbit/s up, Lighthouse's mobile profile) and the CPU slowed 4× through the DevTools protocol,
 * a cold cache each run. It prints:
 *   - the JS and CSS the page loaded, raw and gzip-compressed (the app does not compress: the
 *     proxy or CDN does, so this is what a phone receives), and the HTML shell;
 *   - first contentful paint (the shell's branded header);
 *   - time to interactive: the product list rendered and the main thread then quiet (no long task
 *     for 1 s), from the start of navigation.
 */
import { gzipSync } from 'node:zlib'
import { existsSync } from 'node:fs'
import { chromium } from 'playwright'
import { APP_ROOT } from '#core/ignite'
import { startBenchApp } from './support.js'

const RUNS = 5
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 }
const QUIET_MS = 1000

async function main() {
  if (!existsSync(new URL('public/build/visitor/index.html', APP_ROOT))) throw new Error('Build the front ends first: npm run build:front')
  const app = await startBenchApp()
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] })
  try {
    const { one } = await app.venue('h5-bench')
    const site = await one(`insert into $s.sites (name, created_at, updated_at) values ('南门 South gate', now(), now()) returning id`)
    for (const [name, price] of [['成人票 Adult', 8000], ['儿童票 Child', 4000], ['夜场 Night', 12000]] as const) {
      const product = await one(
        `insert into $s.products (site_id, name, kind, base_price, status, created_at, updated_at) values ($1, $2, 'adult', $3, 'on_sale', now(), now()) returning id`,
        [site.id, name, price]
      )
      await one(
        `with s as (insert into $s.sessions (site_id, kind, starts_at, ends_at, created_at, updated_at)
                    select $1, 'slot', t, t + interval '1 hour', now(), now()
                    from generate_series(date_trunc('day', now()) + interval '1 day 9 hours', date_trunc('day', now()) + interval '14 days 9 hours', interval '1 day') t returning id),
              q as (insert into $s.quotas (session_id, name, capacity, created_at, updated_at) select id, 'Day', 500, now(), now() from s returning id)
         insert into $s.quota_products (quota_id, product_id) select id, $2 from q`,
        [site.id, product.id]
      )
    }
    await one(`update $s.venue_profile set notice = '今日正常开放 Open today', opening_hours = '08:30–17:30', address = '云岭路 1 号' where id = 1`)

    const runs: { tti: number; fcp: number; assets: { url: string; type: string; raw: number; gzip: number }[] }[] = []
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true, locale: 'zh-CN' })
      const page = await context.newPage()
      // Long tasks as the page sees them, from its first script on.
      await page.addInitScript(() => {
        const tasks: number[] = ((globalThis as any).__longTaskEnds = [])
        new PerformanceObserver((list) => list.getEntries().forEach((entry) => tasks.push(entry.startTime + entry.duration))).observe({ type: 'longtask' as any, buffered: true })
      })
      const cdp = await context.newCDPSession(page)
      await cdp.send('Network.enable')
      await cdp.send('Network.emulateNetworkConditions', SLOW_4G)
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
      const loaded: { url: string; type: string }[] = []
      page.on('response', (response) => {
        const type = response.request().resourceType()
        if (type === 'script' || type === 'stylesheet' || type === 'document') loaded.push({ url: response.url(), type })
      })

      await page.goto(`${app.base}/t/h5-bench/`)
      await page.locator('[data-testid=products] li').first().waitFor({ timeout: 60_000 })
      const productsAt = await page.evaluate(() => performance.now())
      // Quiet: no long task has ended in the last QUIET_MS.
      for (;;) {
        const { now, last } = await page.evaluate(() => ({ now: performance.now(), last: Math.max(0, ...(globalThis as any).__longTaskEnds) }))
        if (now - Math.max(last, productsAt) >= QUIET_MS) {
          const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0)
          const assets = await Promise.all(
            loaded.map(async (asset) => {
              const body = Buffer.from(await (await fetch(asset.url)).arrayBuffer())
              return { ...asset, raw: body.length, gzip: gzipSync(body).length }
            })
          )
          runs.push({ tti: Math.max(last, productsAt), fcp, assets })
          break
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      await context.close()
    }

    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
    const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`
    const { assets } = runs[0]
    const sum = (type: string, key: 'raw' | 'gzip') => assets.filter((a) => a.type === type).reduce((total, a) => total + a[key], 0)
    console.log(
      [
        '',
        `visitor H5 home page, phone profile, slow 4G (150 ms, 1.6 Mbit/s), CPU 4× slower, cold cache, ${RUNS} runs`,
        ...assets.map((a) => `  ${a.type.padEnd(10)} ${new URL(a.url).pathname.padEnd(44)} ${kB(a.raw).padStart(9)}  gzip ${kB(a.gzip).padStart(8)}`),
        `  JS   ${kB(sum('script', 'raw'))} raw, ${kB(sum('script', 'gzip'))} gzip`,
        `  CSS  ${kB(sum('stylesheet', 'raw'))} raw, ${kB(sum('stylesheet', 'gzip'))} gzip`,
        `  JS + CSS transferred (gzip): ${kB(sum('script', 'gzip') + sum('stylesheet', 'gzip'))}`,
        `  first contentful paint: median ${median(runs.map((r) => r.fcp)).toFixed(0)} ms`,
        `  time to interactive (products shown, main thread quiet): median ${median(runs.map((r) => r.tti)).toFixed(0)} ms (runs: ${runs.map((r) => r.tti.toFixed(0)).join(', ')})`,
        '',
      ].join('\n')
    )
  } finally {
    await browser.close()
    await app.stop()
  }
}

await main()
