/*
 * The sandbox Alipay's trade bill: alipay.data.dataservice.bill.downloadurl.query answers a
 * download URL (valid a few minutes, like Alipay's); the URL gives a ZIP of the 业务明细 and
 * 业务明细(汇总) CSV files, in GBK as Alipay writes them, built from the sandbox ledger.
 */
import { randomBytes } from 'node:crypto'
import { toBeijingTime } from '#payments/alipay/alipay_format'
import { ALIPAY_BILL_API, ALIPAY_DETAIL_COLUMNS, ALIPAY_SUMMARY_COLUMNS } from '#payments/alipay/bill'
import { signedYuan } from '#payments/bills/bill_format'
import { zipFiles } from '#payments/bills/bill_zip'
import type { SandboxContext, SandboxResponse, SandboxRoute } from '#sandbox/sandbox_server'
import { AlipayFailure, type ApiCall } from '#sandbox/gateways/alipay/openapi'
import { SANDBOX_BUYER } from '#sandbox/gateways/alipay/book'
import { billableDay, billEntries, type BillEntry } from '#sandbox/gateways/ledger/bill_entries'

const LINK_TTL_MS = 5 * 60_000
const RULE = '-'.repeat(40)

export function alipayBills(context: SandboxContext) {
  const links = new Map<string, { file: Buffer; expiresAt: number }>()

  const apis: Record<string, (call: ApiCall) => Record<string, unknown>> = {
    [ALIPAY_BILL_API]({ app, biz }) {
      const date = typeof biz.bill_date === 'string' ? biz.bill_date : undefined
      if (biz.bill_type !== 'trade' && biz.bill_type !== 'signcustomer') {
        throw new AlipayFailure({ code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-parameter', sub_msg: '参数无效: bill_type' })
      }
      // Monthly bills (yyyy-MM) exist at Alipay; the sandbox serves daily ones only.
      if (!billableDay(date)) throw new AlipayFailure({ code: '40004', msg: 'Business Failed', sub_code: 'isp.bill_not_exist', sub_msg: '账单不存在' })
      const day = date!.replaceAll('-', '')
      const entries = billEntries(context, 'alipay', app.appId, date!)
      const file = zipFiles([
        { name: `${app.sellerId}_${day}_业务明细.csv`, data: gbk(detail(app.sellerId, date!, entries)) },
        { name: `${app.sellerId}_${day}_业务明细(汇总).csv`, data: gbk(summary(app.sellerId, date!, entries)) },
      ])
      const token = randomBytes(16).toString('hex')
      links.set(token, { file, expiresAt: Date.now() + LINK_TTL_MS })
      return { bill_download_url: `${context.baseUrl}/alipay/downloadBillFile.resource?bizType=trade&fileType=csv.zip&bizDates=${day}&token=${token}` }
    },
  }

  const routes: SandboxRoute[] = [
    {
      method: 'GET',
      path: '/alipay/downloadBillFile.resource',
      handle: ({ query }): SandboxResponse => {
        const link = links.get(query.get('token') ?? '')
        if (!link || link.expiresAt < Date.now()) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'The link has expired' }
        return { status: 200, headers: { 'content-type': 'application/oct-stream', 'content-disposition': 'attachment' }, body: link.file }
      },
    },
  ]
  return { apis, routes }
}

const cell = (value: string | number) => `${value}\t`

function period(pid: string, date: string, title: string) {
  const [year, month, day] = date.split('-')
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10).split('-')
  return [`#${title}`, `#账号：[${pid}0156]`, `#起始日期：[${year}年${month}月${day}日 00:00:00]   终止日期：[${next[0]}年${next[1]}月${next[2]}日 00:00:00]`]
}

function detail(pid: string, date: string, entries: BillEntry[]): string {
  const rows = entries.map(({ kind, trade, refund, at, amount, fee }) => {
    const paid = kind === 'payment'
    const row: Record<(typeof ALIPAY_DETAIL_COLUMNS)[number], string> = {
      支付宝交易号: trade.tradeNo,
      商户订单号: trade.outTradeNo,
      业务类型: paid ? '交易' : '退款',
      商品名称: trade.description.replaceAll(',', '，'),
      创建时间: toBeijingTime(new Date(paid ? trade.createdAt : refund!.createdAt)),
      完成时间: toBeijingTime(at),
      门店编号: '',
      门店名称: '',
      操作员: '',
      终端号: '',
      对方账户: SANDBOX_BUYER.logonId,
      '订单金额（元）': signedYuan(trade.amount),
      '商家实收（元）': signedYuan(paid ? amount : -amount),
      '支付宝红包（元）': '0.00',
      '集分宝（元）': '0.00',
      '支付宝优惠（元）': '0.00',
      '商家优惠（元）': '0.00',
      '券核销金额（元）': '0.00',
      券名称: '',
      '商家红包消费金额（元）': '0.00',
      '卡消费金额（元）': '0.00',
      '退款批次号/请求号': refund?.outRefundNo ?? '',
      '服务费（元）': signedYuan(-fee),
      '分润（元）': '0.00',
      备注: '',
    }
    return ALIPAY_DETAIL_COLUMNS.map((column) => cell(row[column])).join(',')
  })
  const count = (kind: BillEntry['kind']) => entries.filter((entry) => entry.kind === kind).length
  return [
    ...period(pid, date, '支付宝业务明细查询'),
    `#${RULE}业务明细列表${RULE}`,
    ALIPAY_DETAIL_COLUMNS.join(','),
    ...rows,
    `#${RULE}业务明细列表结束${RULE}`,
    `#交易合计：${count('payment')}笔，退款合计：${count('refund')}笔`,
    `#导出时间：[${toBeijingTime(new Date())}]`,
  ].join('\r\n')
}

function summary(pid: string, date: string, entries: BillEntry[]): string {
  const received = entries.reduce((sum, entry) => sum + (entry.kind === 'payment' ? entry.amount : -entry.amount), 0)
  const fees = entries.reduce((sum, entry) => sum + entry.fee, 0)
  const ordered = entries.filter((entry) => entry.kind === 'payment').reduce((sum, entry) => sum + entry.amount, 0)
  const total: Record<(typeof ALIPAY_SUMMARY_COLUMNS)[number], string | number> = {
    门店编号: '合计',
    门店名称: '',
    交易订单总笔数: entries.filter((entry) => entry.kind === 'payment').length,
    退款订单总笔数: entries.filter((entry) => entry.kind === 'refund').length,
    '订单金额（元）': signedYuan(ordered),
    '商家实收（元）': signedYuan(received),
    '支付宝优惠（元）': '0.00',
    '商家优惠（元）': '0.00',
    '卡消费金额（元）': '0.00',
    '服务费（元）': signedYuan(-fees),
    '分润（元）': '0.00',
    '实收净额（元）': signedYuan(received - fees),
  }
  return [
    ...period(pid, date, '支付宝业务汇总查询'),
    `#${RULE}业务汇总列表${RULE}`,
    ALIPAY_SUMMARY_COLUMNS.join(','),
    ALIPAY_SUMMARY_COLUMNS.map((column) => cell(total[column])).join(','),
    `#${RULE}业务汇总列表结束${RULE}`,
    `#导出时间：[${toBeijingTime(new Date())}]`,
  ].join('\r\n')
}

let gbkTable: Map<string, Buffer> | undefined

/** GBK bytes of a text, as Alipay writes its bills (characters outside GBK become "?"). */
function gbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map()
    const decoder = new TextDecoder('gbk')
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue
        const bytes = Buffer.from([lead, trail])
        const char = decoder.decode(bytes)
        if (char.length === 1 && char !== '\ufffd' && !gbkTable.has(char)) gbkTable.set(char, bytes)
      }
    }
  }
  const parts: Buffer[] = []
  for (const char of text) parts.push(char.charCodeAt(0) < 0x80 ? Buffer.from(char, 'latin1') : (gbkTable.get(char) ?? Buffer.from('?')))
  return Buffer.concat(parts)
}
