/*
 * What the sandbox's Alipay keeps (in the sandbox state, section "alipay"): its platform key pair,
 * the merchant apps with their public keys, and the precreated QR orders nobody has scanned yet.
 */
import type { SandboxLedger, SandboxTrade } from '#sandbox/ledger'
import type { KeyPair } from '#sandbox/gateways/alipay/signing'

export interface AlipayApp {
  /** 16 digits, 2021... */
  appId: string
  /** The app's public key (应用公钥): verifies its requests. Its private key stays with the merchant. */
  publicKey: string
  /** The merchant's Alipay account (PID, 2088...): seller_id. */
  sellerId: string
}

/** An order as requested (page pay URL, precreate): becomes a ledger trade when the buyer opens or scans it. */
export interface AlipayOrder {
  appId: string
  outTradeNo: string
  amount: number
  subject: string
  method: 'wap' | 'page' | 'precreate'
  expiresAt: string
  notifyUrl?: string
  returnUrl?: string
}

export interface AlipayBook {
  /** Alipay's key pair (支付宝公钥/私钥): signs answers and notifications. */
  platform: KeyPair
  apps: Record<string, AlipayApp>
  /** 预下单: precreated orders by QR token. */
  preorders: Record<string, AlipayOrder>
}

/** The one buyer who pays everything in the sandbox. */
export const SANDBOX_BUYER = { id: '2088102177846880', logonId: 'tes***@sandbox.com' }


/** WAIT_BUYER_PAY / TRADE_SUCCESS / TRADE_CLOSED: a paid trade closes once fully refunded. */
export function tradeStatus(ledger: SandboxLedger, trade: SandboxTrade): string {
  if (trade.state === 'closed') return 'TRADE_CLOSED'
  if (trade.state !== 'paid') return 'WAIT_BUYER_PAY'
  return ledger.refunded(trade) >= trade.amount ? 'TRADE_CLOSED' : 'TRADE_SUCCESS'
}
