/*
 * Numbers shown to people and sent to channels. Random, so an order number neither counts the
 * venue's sales nor lets anyone guess another visitor's order; time-prefixed, so they sort and
 * read well at the desk.
 */
import { randomInt } from 'node:crypto'
import { DateTime } from 'luxon'

/** Crockford's base 32: no I, L, O or U to misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

function randomChars(count: number): string {
  let text = ''
  for (let i = 0; i < count; i++) text += ALPHABET[randomInt(ALPHABET.length)]
  return text
}

const beijing = (now: Date) => DateTime.fromJSDate(now).setZone('Asia/Shanghai')

/** e.g. T2611250K7QM3XD9A: the day (Beijing) and 10 random characters (50 bits). */
export function newOrderNumber(now = new Date()): string {
  return `T${beijing(now).toFormat('yyMMdd')}${randomChars(10)}`
}

/**
 * A payment's or refund's number at the channel: yyyyMMddHHmmss (Beijing) and 8 random
 * characters, 22 in all. It fits every channel's rule: WeChat out_trade_no (6–32, letters and
 * digits), Alipay (≤ 64) and UnionPay orderId (8–40 letters and digits, starting with its txnTime).
 */
export function newTradeNo(now = new Date()): string {
  return `${beijing(now).toFormat('yyyyMMddHHmmss')}${randomChars(8)}`
}
