/*
 * Alipay's trade bill (交易账单): alipay.data.dataservice.bill.downloadurl.query {bill_type: trade,
 * bill_date} answers (signed) a short-lived bill_download_url; that URL gives a ZIP of two CSV
 * files, 业务明细 (one row per trade or refund) and 业务明细(汇总) (the totals), in GBK, with
 * `#` comment lines around the table and tab-padded values. Rows must add up to the totals.
 * 商家实收 is what the merchant got (negative for a refund); 服务费 what Alipay charged
 * (negative) or gave back (positive, on a refund).
 */
import type { AlipaySdkCommonResult } from 'alipay-sdk'
import { ChannelError, type BillLine } from '#payments/channel'
import { parseBeijingTime } from '#payments/alipay/alipay_format'
import { billError, billFen, billRecords, splitBillRow } from '#payments/bills/bill_format'
import { unzipFiles } from '#payments/bills/bill_zip'

export const ALIPAY_BILL_API = 'alipay.data.dataservice.bill.downloadurl.query'

export const ALIPAY_DETAIL_COLUMNS = [
  '支付宝交易号', '商户订单号', '业务类型', '商品名称', '创建时间', '完成时间', '门店编号', '门店名称', '操作员', '终端号', '对方账户', '订单金额（元）', '商家实收（元）',
  '支付宝红包（元）', '集分宝（元）', '支付宝优惠（元）', '商家优惠（元）', '券核销金额（元）', '券名称', '商家红包消费金额（元）', '卡消费金额（元）', '退款批次号/请求号',
  '服务费（元）', '分润（元）', '备注',
] as const

export const ALIPAY_SUMMARY_COLUMNS = ['门店编号', '门店名称', '交易订单总笔数', '退款订单总笔数', '订单金额（元）', '商家实收（元）', '支付宝优惠（元）', '商家优惠（元）', '卡消费金额（元）', '服务费（元）', '分润（元）', '实收净额（元）'] as const

type Exec = (api: string, bizContent: Record<string, unknown>) => Promise<AlipaySdkCommonResult>

/** Bill files are GBK at Alipay; UTF-8 is read as such. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('gbk').decode(bytes)
  }
}

export async function downloadAlipayBill(exec: Exec, date: string): Promise<BillLine[]> {
  const result = await exec(ALIPAY_BILL_API, { bill_type: 'trade', bill_date: date })
  if (result.code !== '10000') throw new ChannelError(`Alipay: ${result.sub_msg ?? result.msg}`, result.sub_code ?? result.code)
  if (!result.bill_download_url) throw billError('Alipay', 'the answer has no bill_download_url')
  let archive: Buffer
  try {
    const response = await fetch(result.bill_download_url, { signal: AbortSignal.timeout(30_000) })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    archive = Buffer.from(await response.arrayBuffer())
  } catch (error: any) {
    throw new ChannelError(`Alipay bill download failed: ${error?.message ?? error}`, 'ALIPAY_UNAVAILABLE', true)
  }
  const files = unzipFiles(archive)
  const detail = files.find((file) => /业务明细\.csv$/.test(file.name))
  const summary = files.find((file) => /业务明细\(汇总\)\.csv$/.test(file.name))
  if (!detail || !summary) throw billError('Alipay', `the archive holds ${files.map((file) => file.name).join(', ') || 'nothing'}, not the 业务明细 files`)
  return readAlipayBill(decode(detail.data), decode(summary.data))
}

/** The table of a bill CSV: its header row and the rows up to the next `#` line. */
function table(text: string, first: string) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const start = lines.findIndex((line) => line.startsWith(first))
  if (start < 0) throw billError('Alipay', `no table starting with ${first}`)
  const end = lines.findIndex((line, index) => index > start && (line.startsWith('#') || line.trim() === ''))
  const header = splitBillRow(lines[start])
  return billRecords(header, lines.slice(start + 1, end < 0 ? undefined : end), (cell) => cell.replace(/\t/g, '').trim())
}

export function readAlipayBill(detailText: string, summaryText: string): BillLine[] {
  const lines = table(detailText, ALIPAY_DETAIL_COLUMNS[0]).map((row): BillLine => {
    const occurredAt = parseBeijingTime(row['完成时间'])
    if (!occurredAt) throw billError('Alipay', `a row with 完成时间 “${row['完成时间']}”`)
    const common = { outTradeNo: row['商户订单号'], channelTradeNo: row['支付宝交易号'], occurredAt, fee: -billFen(row['服务费（元）'], '服务费') }
    const received = billFen(row['商家实收（元）'], '商家实收')
    if (row['业务类型'] === '交易') return { kind: 'payment', ...common, amount: received }
    if (row['业务类型'] === '退款') return { kind: 'refund', ...common, outRefundNo: row['退款批次号/请求号'] || row['商户订单号'], amount: -received }
    throw billError('Alipay', `a row of 业务类型 ${row['业务类型']}`)
  })
  const total = table(summaryText, ALIPAY_SUMMARY_COLUMNS[0]).find((row) => row['门店编号'] === '合计')
  if (!total) throw billError('Alipay', 'the summary has no 合计 row')
  const count = (kind: BillLine['kind']) => lines.filter((line) => line.kind === kind).length
  const received = lines.reduce((sum, line) => sum + (line.kind === 'payment' ? line.amount : -line.amount), 0)
  const adds =
    Number(total['交易订单总笔数']) === count('payment') &&
    Number(total['退款订单总笔数']) === count('refund') &&
    billFen(total['商家实收（元）'], '商家实收') === received &&
    billFen(total['服务费（元）'], '服务费') === -lines.reduce((sum, line) => sum + line.fee, 0)
  if (!adds) throw billError('Alipay', 'the rows do not add up to the summary')
  return lines
}
