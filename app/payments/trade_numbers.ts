import { DateTime } from 'luxon'
import { randomText } from '#core/random_text'

/**
 * A payment's or refund's number at the channel: yyyyMMddHHmmss (Beijing) and 8 random
 * characters, 22 in all. It fits every channel's rule: WeChat out_trade_no (6–32, letters and
 * digits), Alipay (≤ 64) and UnionPay orderId (8–40 letters and digits, starting with its txnTime).
 */
export function newTradeNo(now = new Date()): string {
  return `${DateTime.fromJSDate(now).setZone('Asia/Shanghai').toFormat('yyyyMMddHHmmss')}${randomText(8)}`
}
