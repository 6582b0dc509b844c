/*
 * The sandbox as the platform's own processes run it: the demo and a development server start
 * one beside themselves (keys and ledger kept in tmp/sandbox), tests start one in memory with
 * compressed time. SANDBOX_URL then points the channels at it.
 */
import { fileURLToPath } from 'node:url'
import { startSandbox, type Sandbox } from '#sandbox/sandbox_server'
import { wechatPayGateway } from '#sandbox/gateways/wechat_pay'
import { alipayGateway } from '#sandbox/gateways/alipay'
import { unionPayGateway } from '#sandbox/gateways/unionpay'
import { wechatApiGateway } from '#sandbox/gateways/wechat_api'

export const ALL_GATEWAYS = [wechatPayGateway, alipayGateway, unionPayGateway, wechatApiGateway]

export interface LocalSandboxOptions {
  /** Where keys and ledger persist (none: memory only). */
  dataDir?: string
  /** Tried first; any free port if it is taken. */
  port?: number
  timeScale?: number
}

export async function startLocalSandbox(options: LocalSandboxOptions = {}): Promise<Sandbox> {
  const start = (port: number) => startSandbox({ port, dataDir: options.dataDir, timeScale: options.timeScale, gateways: ALL_GATEWAYS })
  let sandbox: Sandbox
  try {
    sandbox = await start(options.port ?? 0)
  } catch (error: any) {
    if (error?.code !== 'EADDRINUSE') throw error
    sandbox = await start(0)
  }
  process.env.SANDBOX_URL = sandbox.url
  return sandbox
}

export function sandboxDataDir(appRoot: URL) {
  return fileURLToPath(new URL('tmp/sandbox', appRoot))
}
