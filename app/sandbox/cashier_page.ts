/*
 * The sandbox cashier (收银台): what a demo visitor sees instead of the real WeChat / Alipay /
 * UnionPay payment screen. Three buttons: pay, fail this attempt, cancel the payment.
 */
import { escapeHtml } from '#core/html'
import type { SandboxTrade } from '#sandbox/ledger'

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

const STATE_TEXT: Record<SandboxTrade['state'], string> = {
  pending: '待支付 Waiting for payment',
  paid: '支付成功 Paid',
  closed: '已关闭 Closed',
  failed: '支付失败 Failed',
}

export function cashierPage(trade: SandboxTrade, gatewayTitle: string, failed = false): string {
  const payable = trade.state === 'pending'
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(gatewayTitle)} · 沙箱收银台</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 0; background: #f3f4f6; color: #111827; }
  main { max-width: 420px; margin: 0 auto; padding: 24px 16px; }
  .card { background: #fff; border-radius: 12px; padding: 24px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .badge { display: inline-block; font-size: 12px; background: #fef3c7; color: #92400e; padding: 2px 8px; border-radius: 999px; }
  .amount { font-size: 40px; font-weight: 700; margin: 16px 0 4px; }
  .muted { color: #6b7280; font-size: 14px; margin: 4px 0; }
  button { display: block; width: 100%; min-height: 48px; margin-top: 12px; font-size: 17px; border-radius: 8px; border: 0; cursor: pointer; }
  .pay { background: #07c160; color: #fff; }
  .fail { background: #fff; color: #b91c1c; border: 1px solid #fca5a5; }
  .cancel { background: #fff; color: #374151; border: 1px solid #d1d5db; }
  .state { margin-top: 16px; font-weight: 600; }
</style>
</head>
<body>
<main>
  <div class="card">
    <span class="badge">沙箱 Sandbox · ${escapeHtml(gatewayTitle)}</span>
    <p class="amount">${yuan(trade.amount)}</p>
    <p class="muted">${escapeHtml(trade.description)}</p>
    <p class="muted">商户 Merchant ${escapeHtml(trade.merchantId)} · 订单 ${escapeHtml(trade.outTradeNo)}</p>
    ${failed ? '<p class="state" role="alert">支付失败，请重试 The payment failed; try again</p>' : ''}
    <p class="state">${escapeHtml(STATE_TEXT[trade.state])}</p>
    ${
      payable
        ? `<form method="post">
      <button class="pay" name="outcome" value="pay">确认支付 Pay ${yuan(trade.amount)}</button>
      <button class="fail" name="outcome" value="fail">模拟失败 Fail</button>
      <button class="cancel" name="outcome" value="cancel">取消支付 Cancel</button>
    </form>`
        : ''
    }
  </div>
</main>
</body>
</html>`
}
