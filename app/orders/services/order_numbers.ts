/*
 * Order numbers, shown to people: random, so a number neither counts the venue's sales nor lets
 * anyone guess another visitor's order; date-prefixed, so they sort and read well at the desk.
 */
import { DateTime } from 'luxon'
import { randomText } from '#core/random_text'

/** e.g. T2611250K7QM3XD9A: the day (Beijing) and 10 random characters (50 bits). */
export function newOrderNumber(now = new Date()): string {
  return `T${DateTime.fromJSDate(now).setZone('Asia/Shanghai').toFormat('yyMMdd')}${randomText(10)}`
}
