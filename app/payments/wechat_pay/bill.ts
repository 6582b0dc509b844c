/*
 * WeChat Pay API v3 trade bill (申请交易账单): GET /v3/bill/tradebill?bill_date=&bill_type=ALL answers
 * (signed) a download_url and the file's SHA1; the file is downloaded with a signed GET of
 * /v3/billdownload/file (the plugin does not look for a signature on downloads: WeChat signs
 * none), checked against that hash, and read: one row per payment (交易状态 SUCCESS) or refund
 * (REFUND), values prefixed with a backquote, then the totals, which must add up.
 */
import { createHash } from 'node:crypto'
import type { Wechatpay } from 'wechatpay-axios-plugin'
import { ChannelError, type BillLine } from '#payments/channel'
import { parseBeijingTime } from '#payments/alipay/alipay_format'
import { billError, billFen, billRecords, splitBillRow } from '#payments/bills/bill_format'

export { signedYuan } from '#payments/bills/bill_format'

export const WECHAT_BILL_COLUMNS = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类',
  '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率',
  '订单金额', '申请退款金额', '费率备注',
] as const

export const WECHAT_BILL_TOTAL_COLUMNS = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'] as const

interface Answer<T> {
  status: number
  data: T
  headers: Record<string, unknown>
}

/** The channel's signed call (refreshes platform certificates, maps errors). */
export type SignedCall = <T>(send: (root: Wechatpay) => Promise<Answer<T>>) => Promise<Answer<T>>

export async function downloadWechatBill(call: SignedCall, mchid: string, date: string): Promise<BillLine[]> {
  const { status, data } = await call<{ download_url?: string; hash_type?: string; hash_value?: string; code?: string; message?: string }>((root) =>
    root.v3.bill.tradebill.get({ params: { bill_date: date, bill_type: 'ALL' }, validateStatus: (code: number) => (code >= 200 && code < 300) || code === 400 })
  )
  if (status === 400) {
    if (data.code === 'NO_STATEMENT_EXIST') return []
    throw new ChannelError(`WeChat Pay: ${data.code} ${data.message ?? ''}`.trim(), data.code ?? 'HTTP_400')
  }
  const token = data.download_url ? new URL(data.download_url).searchParams.get('token') : null
  if (!token || data.hash_type !== 'SHA1' || !data.hash_value) throw billError('WeChat Pay', 'the bill answer has no download_url or SHA1 hash')
  const file = await call<ArrayBuffer>((root) => root.v3.billdownload.file.get({ params: { token }, responseType: 'arraybuffer' }))
  const bytes = Buffer.from(file.data)
  if (createHash('sha1').update(bytes).digest('hex') !== data.hash_value.toLowerCase()) throw billError('WeChat Pay', 'the downloaded file does not match its SHA1 hash')
  return readWechatBill(bytes.toString('utf8'), mchid)
}

export function readWechatBill(text: string, mchid: string): BillLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '')
  const header = splitBillRow(lines[0] ?? '')
  const totalsAt = lines.findIndex((line) => line.startsWith(WECHAT_BILL_TOTAL_COLUMNS[0]))
  if (header[0] !== WECHAT_BILL_COLUMNS[0] || totalsAt < 1 || !lines[totalsAt + 1]) throw billError('WeChat Pay', 'not a trade bill (header or totals missing)')
  const unquote = (cell: string) => cell.replace(/^`/, '')
  const rows = billRecords(header, lines.slice(1, totalsAt), unquote)
  const [totals] = billRecords(splitBillRow(lines[totalsAt]), [lines[totalsAt + 1]], unquote)

  const read = rows.map((row): BillLine => {
    if (row['商户号'] !== mchid) throw billError('WeChat Pay', `a row for merchant ${row['商户号']}`)
    const occurredAt = parseBeijingTime(row['交易时间'])
    if (!occurredAt) throw billError('WeChat Pay', `a row with time “${row['交易时间']}”`)
    const common = { outTradeNo: row['商户订单号'], channelTradeNo: row['微信订单号'], fee: billFen(row['手续费'], '手续费'), occurredAt }
    if (row['交易状态'] === 'SUCCESS') return { kind: 'payment', ...common, amount: billFen(row['应结订单金额'], '应结订单金额') }
    if (row['交易状态'] === 'REFUND') {
      return { kind: 'refund', ...common, outRefundNo: row['商户退款单号'], channelRefundNo: row['微信退款单号'], amount: billFen(row['退款金额'], '退款金额') }
    }
    throw billError('WeChat Pay', `a row with 交易状态 ${row['交易状态']}`)
  })
  const sum = (kind: BillLine['kind']) => read.filter((line) => line.kind === kind).reduce((total, line) => total + line.amount, 0)
  const adds =
    Number(totals['总交易单数']) === read.length &&
    billFen(totals['应结订单总金额'], '应结订单总金额') === sum('payment') &&
    billFen(totals['退款总金额'], '退款总金额') === sum('refund') &&
    billFen(totals['手续费总金额'], '手续费总金额') === read.reduce((total, line) => total + line.fee, 0)
  if (!adds) throw billError('WeChat Pay', 'the totals do not add up to the rows')
  return read
}
