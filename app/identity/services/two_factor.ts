/*
 * TOTP two-factor login (RFC 6238, 30 s steps, ±1 step of clock drift). Secrets are stored
 * encrypted; an accepted time step is remembered so the same code cannot be replayed.
 */
import encryption from '@adonisjs/core/services/encryption'
import { generateSecret, generateURI, verify } from 'otplib'
import type { Account } from '#identity/auth/realms'

const ISSUER = 'Tessera'

export const twoFactor = {
  newSecret(label: string) {
    const secret = generateSecret()
    return { secret, otpauthUrl: generateURI({ issuer: ISSUER, label, secret }) }
  },

  seal(secret: string): string {
    return encryption.encrypt(secret)
  },

  reveal(account: Account): string | null {
    return account.totpSecret ? encryption.decrypt<string>(account.totpSecret) : null
  },

  /** The time step the code belongs to, or null if the code is wrong or already used. */
  async check(secret: string, code: string, lastStep: number | null): Promise<number | null> {
    const result = await verify({ secret, token: code, epochTolerance: 30 })
    if (!result.valid) return null
    // timeStep is the current step; delta says which neighbouring step the code matched.
    const step = Number((result as { timeStep: number }).timeStep) + Number(result.delta ?? 0)
    return lastStep !== null && step <= Number(lastStep) ? null : step
  },
}
