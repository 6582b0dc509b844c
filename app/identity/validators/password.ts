import vine from '@vinejs/vine'

/** Passwords everyone commonly tries first; refused whatever their length. */
const COMMON = new Set(['password1234', '1234567890', 'qwertyuiop', '12345678910', 'abcd12345678', 'password123', 'iloveyou123', 'a1234567890'])

/**
 * At least 10 characters with letters and digits, not a well-known password. (等保 level 3 asks
 * for complexity; length matters most.)
 */
export function passwordRule() {
  return vine
    .string()
    .minLength(10)
    .maxLength(128)
    .regex(/[A-Za-z]/)
    .regex(/\d/)
    .notIn([...COMMON])
}
