/*
 * Money and rows as the channels' bills (对账单) write them: yuan with two decimals, negative for
 * money going back ("-0.05"); comma-separated rows whose values may be quoted. Kept in integer fen.
 */
import { ChannelError } from '#payments/channel'
import { fenToYuan, yuanToFen } from '#payments/alipay/alipay_format'

/** -5 → "-0.05" */
export function signedYuan(fen: number): string {
  return fen < 0 ? `-${fenToYuan(-fen)}` : fenToYuan(fen)
}

/** "-0.05" → -5; a bill with anything else in a money column cannot be trusted. */
export function billFen(text: string | undefined, what: string): number {
  const value = (text ?? '').trim()
  try {
    return value.startsWith('-') ? -yuanToFen(value.slice(1)) : yuanToFen(value.replace(/^\+/, ''))
  } catch {
    throw new ChannelError(`The bill has “${value}” as ${what}`, 'BILL_FORMAT')
  }
}

/** One comma-separated row (RFC 4180 quotes allowed). */
export function splitBillRow(line: string): string[] {
  const values: string[] = []
  let value = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const char = line[i]
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        value += '"'
        i++
      } else if (char === '"') quoted = false
      else value += char
    } else if (char === '"' && value === '') quoted = true
    else if (char === ',') {
      values.push(value)
      value = ''
    } else value += char
  }
  values.push(value)
  return values.map((cell) => cell.trim())
}

/** The rows of a bill section as records by header name. */
export function billRecords(header: string[], lines: string[], clean: (cell: string) => string = (cell) => cell): Record<string, string>[] {
  return lines.map((line) => {
    const cells = splitBillRow(line).map(clean)
    return Object.fromEntries(header.map((name, index) => [name, cells[index] ?? '']))
  })
}

export function billError(channel: string, message: string) {
  return new ChannelError(`${channel} bill: ${message}`, 'BILL_FORMAT')
}
