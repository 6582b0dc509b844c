/*
 * The sandbox UnionPay's reconciliation file (fileTransfer, txnType 76): the answer's fileContent
 * is base64 of the zlib-deflated ZIP holding the day's ZM file (全渠道一般交易流水), one fixed-width
 * line per payment (S22 消费) or refund (S30 退货), built from the sandbox ledger. The sandbox's
 * settlement day is the Beijing calendar day (UnionPay's own cuts off at 23:00).
 */
import { deflateSync } from 'node:zlib'
import { zipFiles } from '#payments/bills/bill_zip'
import { beijingTime, type AcpFields } from '#payments/unionpay/acp_client'
import { FILE_TRANSFER, ZM_FIELDS, ZM_PAYMENT, ZM_REFUND, zmFileName } from '#payments/unionpay/bill'
import type { SandboxContext } from '#sandbox/sandbox_server'
import { beijingDay, billEntries, type BillEntry } from '#sandbox/gateways/ledger/bill_entries'

/** What a fileTransfer request must carry. */
export const FILE_TRANSFER_FIELDS = ['version', 'encoding', 'certId', 'signature', 'signMethod', 'txnType', 'txnSubType', 'bizType', 'accessType', 'merId', 'settleDate', 'txnTime', 'fileType']

type ZmField = (typeof ZM_FIELDS)[number][0]

const digits = (value: number, width: number) => String(value).padStart(width, '0')

function zmLine(values: Partial<Record<ZmField, string>>): string {
  return ZM_FIELDS.map(([name, width]) => (values[name] ?? '').slice(-width).padEnd(width, ' ')).join(' ')
}

function line(entry: BillEntry, merId: string): string {
  const paid = entry.kind === 'payment'
  return zmLine({
    交易代码: paid ? ZM_PAYMENT : ZM_REFUND,
    代理机构标识码: '00010000',
    发送机构标识码: '00010000',
    系统跟踪号: entry.trade.tradeNo.slice(-6),
    交易传输时间: beijingTime(entry.at).slice(4),
    帐号: '6216********0000',
    交易金额: digits(entry.amount, 12),
    商户类别: '5999',
    终端类型: '08',
    查询流水号: paid ? entry.trade.tradeNo : entry.refund!.refundNo,
    支付方式: '00',
    商户订单号: paid ? entry.trade.outTradeNo : entry.refund!.outRefundNo,
    支付卡类型: '01',
    原始交易的系统跟踪号: paid ? '000000' : entry.trade.tradeNo.slice(-6),
    原交易日期时间: paid ? '0000000000' : beijingTime(new Date(entry.trade.paidAt!)).slice(4),
    商户手续费: `${entry.fee >= 0 ? 'D' : 'C'}${digits(Math.abs(entry.fee), 12)}`,
    结算金额: digits(entry.amount - Math.abs(entry.fee), 12),
    原交易查询流水号: paid ? '' : entry.trade.tradeNo,
    商户代码: merId,
    原始交易订单号: paid ? '' : entry.trade.outTradeNo,
  })
}

/** The answer's file fields for a fileTransfer request already verified (the day is the most recent settleDate MMDD up to today). */
export function fileTransferAnswer(context: SandboxContext, request: AcpFields): AcpFields {
  const today = beijingDay(new Date())
  const sameYear = `${today.slice(0, 4)}-${request.settleDate.slice(0, 2)}-${request.settleDate.slice(2)}`
  const date = sameYear <= today ? sameYear : `${Number(today.slice(0, 4)) - 1}${sameYear.slice(4)}`
  const lines = billEntries(context, 'unionpay', request.merId, date).map((entry) => `${line(entry, request.merId)}\r\n`)
  const archive = zipFiles([{ name: zmFileName(request.merId, date), data: Buffer.from(lines.join(''), 'utf8') }])
  return {
    ...FILE_TRANSFER,
    settleDate: request.settleDate,
    fileName: `${request.merId}_${date.replaceAll('-', '')}.zip`,
    fileContent: deflateSync(archive).toString('base64'),
  }
}
