/*
 * Random text for identifiers others see or type (order numbers, coupon codes, nonces, the
 * sandbox's fake ids), drawn with the cryptographic generator.
 */
import { randomInt } from 'node:crypto'

/** Crockford's base 32: no I, L, O or U to misread. */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
export const DIGITS = '0123456789'

export function randomText(length: number, alphabet = CROCKFORD): string {
  let text = ''
  for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)]
  return text
}

export const randomDigits = (length: number) => randomText(length, DIGITS)
