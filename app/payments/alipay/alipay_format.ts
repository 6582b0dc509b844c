/*
 * How Alipay writes money and time on the wire, shared by the channel and the sandbox gateway.
 * Amounts are yuan with two decimals ("12.30"); we keep integer fen and convert with integers only.
 * Times are Beijing time without a zone ("2024-05-13 17:49:20"), whatever the process time zone.
 */

const AMOUNT = /^(\d+)(?:\.(\d{1,2}))?$/
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/
const BEIJING_OFFSET_MS = 8 * 3_600_000

/** 1230 → "12.30" */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`Not an amount in fen: ${fen}`)
  const cents = fen % 100
  return `${(fen - cents) / 100}.${String(cents).padStart(2, '0')}`
}

/** "12.3" or "12.30" → 1230; anything else throws. */
export function yuanToFen(yuan: string): number {
  const match = AMOUNT.exec(yuan)
  if (!match) throw new RangeError(`Not an amount in yuan: ${yuan}`)
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
}

/** "yyyy-MM-dd HH:mm:ss" in Beijing time. */
export function toBeijingTime(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')
}

/** The instant a Beijing "yyyy-MM-dd HH:mm:ss" stands for; undefined when it is not one. */
export function parseBeijingTime(text: string | undefined): Date | undefined {
  if (!text || !TIME.test(text)) return undefined
  const date = new Date(`${text.replace(' ', 'T')}+08:00`)
  return Number.isNaN(date.getTime()) ? undefined : date
}
