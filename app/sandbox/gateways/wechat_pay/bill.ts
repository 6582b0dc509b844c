/*
 * The sandbox WeChat Pay's trade bill (交易账单), API v3:
 *   GET /v3/bill/tradebill?bill_date=yyyy-MM-dd[&bill_type=ALL]  (signed like every v3 call)
 *     → { hash_type: "SHA1", hash_value, download_url }
 *   GET /v3/billdownload/file?token=...  (signed request; the file itself is not signed, as at WeChat:
 *     the merchant checks it against hash_value)
 * The file is WeChat's text bill: a header row, one row per payment or refund with every value
 * prefixed by a backquote, then the totals. A day without trades answers 400 NO_STATEMENT_EXIST.
 */
import { createHash, randomBytes } from 'node:crypto'
import { toBeijingTime } from '#payments/alipay/alipay_format'
import { signedYuan, WECHAT_BILL_COLUMNS, WECHAT_BILL_TOTAL_COLUMNS } from '#payments/wechat_pay/bill'
import type { SandboxContext, SandboxRequest, SandboxResponse, SandboxRoute } from '#sandbox/sandbox_server'
import { billableDay, billEntries, FEE_RATE_BASIS_POINTS, type BillEntry } from '#sandbox/gateways/ledger/bill_entries'
import { authenticate } from '#sandbox/gateways/wechat_pay/protocol'
import type { SandboxMerchant, WechatPayBooks } from '#sandbox/gateways/wechat_pay/keys'

interface Reply {
  status: number
  body?: object
}

type Api = (method: 'GET', path: string, handle: (call: { merchant: SandboxMerchant; request: SandboxRequest }) => Reply) => SandboxRoute

/** A download link works this long, as WeChat's (30 s there; longer here for slow test machines). */
const LINK_TTL_MS = 5 * 60_000
const TRADE_TYPES: Record<string, string> = { jsapi: 'JSAPI', native: 'NATIVE', h5: 'MWEB' }

export function wechatPayBillRoutes(options: { context: SandboxContext; api: Api; books: () => Promise<WechatPayBooks> }): SandboxRoute[] {
  const { context, api } = options
  const links = new Map<string, { mchid: string; file: Buffer; expiresAt: number }>()

  return [
    api('GET', '/v3/bill/tradebill', ({ merchant, request }) => {
      const date = request.query.get('bill_date')
      if (!billableDay(date)) return { status: 400, body: { code: 'PARAM_ERROR', message: 'bill_date 须为 yyyy-MM-dd，且不晚于今天' } }
      const billType = request.query.get('bill_type') ?? 'ALL'
      if (!['ALL', 'SUCCESS', 'REFUND'].includes(billType)) return { status: 400, body: { code: 'PARAM_ERROR', message: 'bill_type 须为 ALL、SUCCESS 或 REFUND' } }
      const entries = billEntries(context, 'wechatpay', merchant.mchid, date!).filter((entry) => billType === 'ALL' || entry.kind === (billType === 'SUCCESS' ? 'payment' : 'refund'))
      if (!entries.length) return { status: 400, body: { code: 'NO_STATEMENT_EXIST', message: '该日期无账单' } }
      const file = Buffer.from(tradeBill(entries), 'utf8')
      const token = randomBytes(16).toString('hex')
      links.set(token, { mchid: merchant.mchid, file, expiresAt: Date.now() + LINK_TTL_MS })
      return {
        status: 200,
        body: { hash_type: 'SHA1', hash_value: createHash('sha1').update(file).digest('hex'), download_url: `${context.baseUrl}/wechatpay/v3/billdownload/file?token=${token}` },
      }
    }),
    {
      method: 'GET',
      path: '/wechatpay/v3/billdownload/file',
      async handle(request): Promise<SandboxResponse> {
        const merchant = authenticate(request, (await options.books()).merchants)
        const json = (status: number, body: object) => ({ status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) })
        if (typeof merchant === 'string') return json(401, { code: 'SIGN_ERROR', message: `签名错误：${merchant}` })
        const link = links.get(request.query.get('token') ?? '')
        if (!link || link.mchid !== merchant.mchid || link.expiresAt < Date.now()) return json(400, { code: 'INVALID_REQUEST', message: '下载链接已失效，请重新申请' })
        return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: link.file.toString('utf8') }
      },
    },
  ]
}

/** WeChat's bill text: values prefixed with ` (so spreadsheets keep long numbers as text). */
function tradeBill(entries: BillEntry[]): string {
  const line = (values: (string | number)[]) => values.map((value) => `\`${value}`).join(',')
  const rows = entries.map(({ kind, trade, refund, at, amount, fee }) => {
    const paid = kind === 'payment'
    const row: Record<(typeof WECHAT_BILL_COLUMNS)[number], string> = {
      交易时间: toBeijingTime(at),
      公众账号ID: trade.appId ?? '',
      商户号: trade.merchantId,
      特约商户号: '0',
      设备号: '',
      微信订单号: trade.tradeNo,
      商户订单号: trade.outTradeNo,
      用户标识: trade.payerId ?? '',
      交易类型: TRADE_TYPES[trade.method] ?? 'NATIVE',
      交易状态: paid ? 'SUCCESS' : 'REFUND',
      付款银行: 'OTHERS',
      货币种类: 'CNY',
      应结订单金额: signedYuan(paid ? amount : 0),
      代金券金额: '0.00',
      微信退款单号: refund?.refundNo ?? '0',
      商户退款单号: refund?.outRefundNo ?? '0',
      退款金额: signedYuan(paid ? 0 : amount),
      充值券退款金额: '0.00',
      退款类型: paid ? '' : 'ORIGINAL',
      退款状态: paid ? '' : 'SUCCESS',
      商品名称: trade.description,
      商户数据包: '',
      手续费: signedYuan(fee),
      费率: `${(FEE_RATE_BASIS_POINTS / 100).toFixed(2)}%`,
      订单金额: signedYuan(paid ? amount : 0),
      申请退款金额: signedYuan(paid ? 0 : amount),
      费率备注: '',
    }
    return line(WECHAT_BILL_COLUMNS.map((column) => row[column]))
  })
  const sum = (kind: BillEntry['kind']) => entries.filter((entry) => entry.kind === kind).reduce((total, entry) => total + entry.amount, 0)
  const fees = entries.reduce((total, entry) => total + entry.fee, 0)
  const totals = [entries.length, signedYuan(sum('payment')), signedYuan(sum('refund')), '0.00', signedYuan(fees), signedYuan(sum('payment')), signedYuan(sum('refund'))]
  return [WECHAT_BILL_COLUMNS.join(','), ...rows, WECHAT_BILL_TOTAL_COLUMNS.join(','), line(totals)].join('\r\n') + '\r\n'
}
