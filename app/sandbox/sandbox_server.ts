/*
 * The local payment sandbox (in the spirit of stripe-mock): one HTTP server that speaks the
 * WeChat Pay v3, Alipay and UnionPay ACP protocols with their real signature schemes, keeps its
 * own ledger, serves a cashier page where a demo visitor pays, fails or cancels, and sends signed
 * notifications back. The real SDKs talk to it through their configurable base URL.
 * Development, demo and tests only: `node ace sandbox:serve`, or started by `npm run demo` / `npm test`.
 *
 * Besides the gateways' own paths it has a small control API under /sandbox/ (JSON):
 *   POST /sandbox/merchants {gateway, ...}          a merchant account's credentials (keys generated here)
 *   POST /sandbox/trades/settle {gateway, merchantId, outTradeNo, outcome, faults}   what the cashier buttons do
 *   POST /sandbox/faults {gateway, faults}           faults for that gateway's next notification
 *   POST /sandbox/keys/rotate {gateway}              new platform keys / certificates
 *   GET  /sandbox/trades/:gateway/:merchantId/:outTradeNo, GET /sandbox/deliveries
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { SandboxLedger, type SandboxGatewayName, type SandboxRefund, type SandboxTrade } from '#sandbox/ledger'
import { Notifier, type NotificationFaults } from '#sandbox/notifier'
import { SandboxState } from '#sandbox/sandbox_state'
import { cashierPage } from '#sandbox/cashier_page'
import { escapeHtml } from '#core/html'

export interface SandboxRequest {
  method: string
  path: string
  params: Record<string, string>
  query: URLSearchParams
  headers: Record<string, string | undefined>
  rawBody: string
}

export interface SandboxResponse {
  status: number
  headers?: Record<string, string>
  /** Text, or bytes (a bill archive). */
  body?: string | Buffer
}

export interface SandboxRoute {
  method: 'GET' | 'POST'
  /** A path with :params, e.g. /wechatpay/v3/pay/transactions/out-trade-no/:outTradeNo */
  path: string
  handle(request: SandboxRequest): Promise<SandboxResponse> | SandboxResponse
}

/** What every gateway gets to work with. */
export interface SandboxContext {
  readonly state: SandboxState
  readonly ledger: SandboxLedger
  readonly notifier: Notifier
  /** e.g. http://127.0.0.1:4010 */
  readonly baseUrl: string
  /** Multiplies the gateways' retry intervals and refund processing time: 1 in the demo, tiny in tests. */
  readonly timeScale: number
  /** The faults set for this gateway's next notification (consumed), merged with `explicit`. */
  takeFaults(gateway: SandboxGatewayName, explicit?: NotificationFaults): NotificationFaults
  /** The cashier page of a trade. */
  cashierUrl(trade: SandboxTrade): string
  /** How long a refund stays processing, ms (scaled). */
  refundDelayMs(): number
}

export interface SandboxGateway {
  readonly name: SandboxGatewayName
  /** Shown on the cashier page. */
  readonly title: string
  routes(): SandboxRoute[]
  /** New merchant credentials for the platform to configure (keys generated here). */
  registerMerchant(input: Record<string, unknown>): Promise<Record<string, unknown>> | Record<string, unknown>
  rotateKeys(): Promise<void> | void
  /** The cashier's choice was applied: notify the platform as the gateway would. */
  afterSettle(trade: SandboxTrade, outcome: 'pay' | 'fail' | 'cancel', faults: NotificationFaults): void
  /** A refund reached its end state. */
  afterRefund(trade: SandboxTrade, refund: SandboxRefund, faults: NotificationFaults): void
  /** Where the cashier sends the browser afterwards (default: a 303 to trade.returnUrl). */
  cashierReturn?(trade: SandboxTrade): SandboxResponse
}

export type GatewayFactory = (context: SandboxContext) => SandboxGateway

export interface SandboxOptions {
  host?: string
  /** 0: any free port. */
  port?: number
  /** Where keys and the ledger persist; none: memory only. */
  dataDir?: string
  timeScale?: number
  gateways: GatewayFactory[]
}

export interface Sandbox {
  url: string
  context: SandboxContext
  gateway(name: SandboxGatewayName): SandboxGateway
  close(): Promise<void>
}

const REFUND_PROCESSING_MS = 3_000

function compile(path: string) {
  const names: string[] = []
  const pattern = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, name) => {
    names.push(name)
    return '([^/]+)'
  })
  return { regex: new RegExp(`^${pattern}$`), names }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
})

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const state = new SandboxState(options.dataDir)
  const ledger = new SandboxLedger(state)
  const timeScale = options.timeScale ?? 1
  const notifier = new Notifier(timeScale)
  const pendingFaults = new Map<SandboxGatewayName, NotificationFaults>()
  const server: Server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const baseUrl = `http://${options.host ?? '127.0.0.1'}:${port}`

  const context: SandboxContext = {
    state,
    ledger,
    notifier,
    baseUrl,
    timeScale,
    takeFaults(gateway, explicit) {
      const queued = pendingFaults.get(gateway)
      pendingFaults.delete(gateway)
      return { ...queued, ...explicit }
    },
    cashierUrl: (trade) => `${baseUrl}/sandbox/cashier/${trade.token}`,
    refundDelayMs: () => Math.max(1, Math.round(REFUND_PROCESSING_MS * timeScale)),
  }

  const gateways = new Map<SandboxGatewayName, SandboxGateway>()
  for (const factory of options.gateways) {
    const gateway = factory(context)
    gateways.set(gateway.name, gateway)
  }
  const gatewayNamed = (name: unknown) => {
    const gateway = gateways.get(name as SandboxGatewayName)
    if (!gateway) throw Object.assign(new Error(`Unknown gateway ${String(name)}`), { status: 404 })
    return gateway
  }

  function settle(trade: SandboxTrade, outcome: 'pay' | 'fail' | 'cancel', explicit?: NotificationFaults) {
    const gateway = gatewayNamed(trade.gateway)
    const before = trade.state
    ledger.settle(trade, outcome)
    if (before === 'pending') gateway.afterSettle(trade, outcome, context.takeFaults(trade.gateway, explicit))
    return trade
  }

  const control: SandboxRoute[] = [
    {
      method: 'POST',
      path: '/sandbox/merchants',
      handle: async ({ rawBody }) => {
        const input = JSON.parse(rawBody || '{}')
        return json(201, await gatewayNamed(input.gateway).registerMerchant(input))
      },
    },
    {
      method: 'POST',
      path: '/sandbox/trades/settle',
      handle: ({ rawBody }) => {
        const input = JSON.parse(rawBody || '{}')
        const trade = ledger.find(input.gateway, String(input.merchantId), String(input.outTradeNo))
        if (!trade) return json(404, { message: 'No such trade' })
        return json(200, settle(trade, input.outcome ?? 'pay', input.faults))
      },
    },
    {
      method: 'POST',
      path: '/sandbox/faults',
      handle: ({ rawBody }) => {
        const input = JSON.parse(rawBody || '{}')
        gatewayNamed(input.gateway)
        pendingFaults.set(input.gateway, input.faults ?? {})
        return json(200, { gateway: input.gateway, faults: input.faults ?? {} })
      },
    },
    {
      method: 'POST',
      path: '/sandbox/keys/rotate',
      handle: async ({ rawBody }) => {
        const input = JSON.parse(rawBody || '{}')
        await gatewayNamed(input.gateway).rotateKeys()
        return json(200, { rotated: input.gateway })
      },
    },
    {
      method: 'GET',
      path: '/sandbox/trades/:gateway/:merchantId/:outTradeNo',
      handle: ({ params }) => {
        const trade = ledger.find(params.gateway as SandboxGatewayName, params.merchantId, params.outTradeNo)
        return trade ? json(200, trade) : json(404, { message: 'No such trade' })
      },
    },
    {
      method: 'GET',
      path: '/sandbox/deliveries',
      handle: ({ query }) => json(200, notifier.deliveries.filter((delivery) => !query.get('gateway') || delivery.gateway === query.get('gateway'))),
    },
    {
      method: 'GET',
      path: '/sandbox/cashier/:token',
      handle: ({ params, query }) => {
        const trade = ledger.findByToken(params.token)
        if (!trade) return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<h1>No such payment</h1>' }
        const page = cashierPage(trade, gatewayNamed(trade.gateway).title, query.has('failed'))
        return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page }
      },
    },
    {
      method: 'POST',
      path: '/sandbox/cashier/:token',
      handle: ({ params, rawBody }) => {
        const trade = ledger.findByToken(params.token)
        if (!trade) return { status: 404, body: 'No such payment' }
        const outcome = new URLSearchParams(rawBody).get('outcome')
        if (outcome !== 'pay' && outcome !== 'fail' && outcome !== 'cancel') return { status: 422, body: 'outcome must be pay, fail or cancel' }
        settle(trade, outcome)
        if (outcome === 'fail') return { status: 303, headers: { location: `${context.cashierUrl(trade)}?failed=1` } }
        const gateway = gatewayNamed(trade.gateway)
        if (gateway.cashierReturn) return gateway.cashierReturn(trade)
        if (trade.returnUrl) return { status: 303, headers: { location: trade.returnUrl } }
        return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<p>${escapeHtml(trade.state)}</p>` }
      },
    },
  ]

  const routes = [...control, ...[...gateways.values()].flatMap((gateway) => gateway.routes())].map((route) => ({ ...route, ...compile(route.path) }))

  server.on('request', async (incoming, outgoing) => {
    try {
      const url = new URL(incoming.url ?? '/', baseUrl)
      const rawBody = await readBody(incoming)
      const method = incoming.method ?? 'GET'
      let found: SandboxResponse | undefined
      for (const route of routes) {
        const match = route.method === method && route.regex.exec(url.pathname)
        if (!match) continue
        const params = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1])]))
        const headers = Object.fromEntries(Object.entries(incoming.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]))
        found = await route.handle({ method, path: url.pathname, params, query: url.searchParams, headers, rawBody })
        break
      }
      const response = found ?? json(404, { code: 'NOT_FOUND', message: `No sandbox route for ${method} ${url.pathname}` })
      outgoing.writeHead(response.status, response.headers)
      outgoing.end(response.body ?? '')
    } catch (error: any) {
      outgoing.writeHead(error?.status ?? 500, { 'content-type': 'application/json; charset=utf-8' })
      outgoing.end(JSON.stringify({ code: 'SANDBOX_ERROR', message: String(error?.message ?? error) }))
    }
  })

  // Refunds complete after their processing time; each gateway then notifies (or not) as it does.
  const refunds = setInterval(
    () => {
      for (const { trade, refund } of ledger.endedRefunds()) gatewayNamed(trade.gateway).afterRefund(trade, refund, context.takeFaults(trade.gateway))
    },
    Math.max(5, Math.min(500, context.refundDelayMs()))
  )
  refunds.unref()

  return {
    url: baseUrl,
    context,
    gateway: gatewayNamed,
    async close() {
      clearInterval(refunds)
      notifier.close()
      state.flush()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
