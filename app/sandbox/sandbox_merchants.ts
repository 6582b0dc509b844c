/*
 * Connects a venue to the sandbox as a real venue connects to its channels: the sandbox issues
 * merchant credentials (its keys, its certificates) and the venue saves them as its accounts.
 * Used by the demo seed and by tests.
 */
import type { ChannelKind } from '#payments/channel'
import { CHANNEL_KINDS } from '#payments/channel'
import PaymentAccounts from '#payments/services/payment_accounts'
import type Tenant from '#tenancy/models/tenant'

const SANDBOX_GATEWAY: Record<ChannelKind, string> = { wechat_pay: 'wechatpay', alipay: 'alipay', unionpay: 'unionpay' }

export async function registerSandboxMerchant(sandboxUrl: string, kind: ChannelKind, options: Record<string, unknown> = {}) {
  const response = await fetch(`${sandboxUrl}/sandbox/merchants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ gateway: SANDBOX_GATEWAY[kind], ...options }),
  })
  if (!response.ok) throw new Error(`The sandbox refused to register a ${kind} merchant: ${await response.text()}`)
  return (await response.json()) as Record<string, unknown>
}

/** Gives the venue a sandbox merchant account for each channel (all three by default). */
export async function connectSandboxMerchants(tenant: Tenant, options: { kinds?: ChannelKind[]; sandboxUrl?: string; wechatMode?: 'certificate' | 'public_key' } = {}) {
  const sandboxUrl = options.sandboxUrl ?? process.env.SANDBOX_URL
  if (!sandboxUrl) throw new Error('No sandbox is running (SANDBOX_URL is not set)')
  const accounts = PaymentAccounts.for(tenant)
  const saved: Record<string, unknown> = {}
  for (const kind of options.kinds ?? CHANNEL_KINDS) {
    const credentials = await registerSandboxMerchant(sandboxUrl, kind, kind === 'wechat_pay' && options.wechatMode === 'public_key' ? { mode: 'public_key' } : {})
    saved[kind] = await accounts.save(kind, { ...credentials, enabled: true })
  }
  return saved
}
