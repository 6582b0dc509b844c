/*
 * UnionPay's reconciliation file (对账文件下载, fileTransfer: txnType 76, txnSubType 01, bizType
 * 000000, fileType 00, settleDate MMDD), posted signed to the file-transfer host
 * (https://filedownload.95516.com/; the sandbox's /unionpay/filedownload). The signed answer
 * carries fileName and fileContent: base64 of the zlib-deflated ZIP, which holds the general
 * transaction file INN<yyMMdd>88ZM_<merId> (全渠道一般交易流水): fixed-width fields separated by
 * one space, one line per transaction. We read the fields below (a leading subset of the ZM
 * layout plus 原始交易订单号): 交易代码 S22 is a payment (消费), S30 a refund (退货); amounts
 * are fen; 商户手续费 carries D (charged) or C (returned) before its digits.
 */
import { inflateSync } from 'node:zlib'
import { ChannelError, type BillLine } from '#payments/channel'
import { billError } from '#payments/bills/bill_format'
import { unzipFiles } from '#payments/bills/bill_zip'
import { beijingTime, parseAcpResponse, parseBeijingTime, type AcpClient, type AcpFields } from '#payments/unionpay/acp_client'

export const FILE_TRANSFER = { txnType: '76', txnSubType: '01', bizType: '000000', fileType: '00' }

/** [name, width] of each field of a ZM line, in order. */
export const ZM_FIELDS = [
  ['交易代码', 3],
  ['代理机构标识码', 11],
  ['发送机构标识码', 11],
  ['系统跟踪号', 6],
  ['交易传输时间', 10],
  ['帐号', 19],
  ['交易金额', 12],
  ['商户类别', 4],
  ['终端类型', 2],
  ['查询流水号', 21],
  ['支付方式', 2],
  ['商户订单号', 40],
  ['支付卡类型', 2],
  ['原始交易的系统跟踪号', 6],
  ['原交易日期时间', 10],
  ['商户手续费', 13],
  ['结算金额', 12],
  ['原交易查询流水号', 21],
  ['商户代码', 15],
  ['原始交易订单号', 40],
] as const

export const ZM_PAYMENT = 'S22'
export const ZM_REFUND = 'S30'

const LIVE_GATEWAY = 'https://gateway.95516.com'
const LIVE_FILE_TRANSFER = 'https://filedownload.95516.com/'

/** Where fileTransfer goes: UnionPay's own host for it, or beside a non-live gateway (the sandbox). */
export function fileTransferUrl(gatewayBase: string): string {
  const base = gatewayBase.replace(/\/$/, '')
  return base === LIVE_GATEWAY ? LIVE_FILE_TRANSFER : `${base}/filedownload`
}

/** The ZM file's name for a merchant and day. */
export const zmFileName = (merId: string, date: string) => `INN${date.slice(2).replaceAll('-', '')}88ZM_${merId}`

export async function downloadUnionPayBill(client: AcpClient, gatewayBase: string, date: string): Promise<BillLine[]> {
  const request = client.sign({ ...FILE_TRANSFER, settleDate: date.slice(5).replace('-', ''), txnTime: beijingTime(new Date()) })
  let text: string
  try {
    const response = await fetch(fileTransferUrl(gatewayBase), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams(request).toString(),
      signal: AbortSignal.timeout(30_000),
    })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    text = await response.text()
  } catch (error: any) {
    throw new ChannelError(`UnionPay fileTransfer unreachable: ${error?.message ?? error}`, 'network', true)
  }
  const answer = parseAcpResponse(text)
  if (!answer.signature) throw new ChannelError(`UnionPay fileTransfer: ${answer.respCode} ${answer.respMsg ?? ''}`.trim(), answer.respCode || 'unknown')
  try {
    client.verify(answer)
  } catch (error: any) {
    throw new ChannelError(`UnionPay fileTransfer: unverifiable answer (${error.message})`, 'signature')
  }
  if (answer.respCode !== '00') throw new ChannelError(`UnionPay fileTransfer: ${answer.respCode} ${answer.respMsg ?? ''}`.trim(), answer.respCode)
  if (answer.merId !== client.merId) throw new ChannelError('UnionPay fileTransfer: the answer is about another merchant', 'mismatch')
  return readUnionPayFiles(answer, client.merId, date)
}

export function readUnionPayFiles(answer: AcpFields, merId: string, date: string): BillLine[] {
  let archive: Buffer
  try {
    archive = inflateSync(Buffer.from(answer.fileContent ?? '', 'base64'))
  } catch {
    throw billError('UnionPay', 'fileContent is not deflated data')
  }
  const file = unzipFiles(archive).find((entry) => entry.name === zmFileName(merId, date))
  if (!file) throw billError('UnionPay', `the archive has no ${zmFileName(merId, date)}`)
  const year = Number(date.slice(0, 4))
  return file.data
    .toString('utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => readZmLine(line, year))
}

function readZmLine(line: string, year: number): BillLine {
  const fields: Record<string, string> = {}
  let at = 0
  for (const [name, width] of ZM_FIELDS) {
    fields[name] = line.slice(at, at + width).trim()
    at += width + 1
  }
  // 交易传输时间 is MMDDhhmmss, in the year of the bill's day.
  const time = fields['交易传输时间']
  const occurredAt = parseBeijingTime(`${year}${time}`)
  if (!occurredAt) throw billError('UnionPay', `a line with 交易传输时间 “${time}”`)
  const amount = /^\d{12}$/.test(fields['交易金额']) ? Number(fields['交易金额']) : NaN
  const fee = /^[CD]\d{12}$/.test(fields['商户手续费']) ? Number(fields['商户手续费'].slice(1)) * (fields['商户手续费'][0] === 'D' ? 1 : -1) : NaN
  if (!Number.isSafeInteger(amount) || !Number.isSafeInteger(fee)) throw billError('UnionPay', `a line with amount “${fields['交易金额']}” or fee “${fields['商户手续费']}”`)
  if (fields['交易代码'] === ZM_PAYMENT) {
    return { kind: 'payment', outTradeNo: fields['商户订单号'], channelTradeNo: fields['查询流水号'], amount, fee, occurredAt }
  }
  if (fields['交易代码'] === ZM_REFUND) {
    return {
      kind: 'refund',
      outTradeNo: fields['原始交易订单号'],
      outRefundNo: fields['商户订单号'],
      channelTradeNo: fields['原交易查询流水号'],
      channelRefundNo: fields['查询流水号'],
      amount,
      fee,
      occurredAt,
    }
  }
  throw billError('UnionPay', `a line of 交易代码 ${fields['交易代码']}`)
}
