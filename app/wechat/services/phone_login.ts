/*
 * Visitors outside WeChat (a plain mobile browser) sign in with a code sent by SMS (短信验证码):
 * - sending is throttled per phone (one a minute, five an hour) and per client IP (twenty an
 *   hour), since every SMS costs the venue money and can be aimed at someone else's phone;
 * - a code is six digits, stored hashed, valid five minutes and for five tries; a new code ends
 *   the previous one; a right code is used once;
 * - the SMS goes through the outbox (in development it stays there, where staff read it);
 * - a phone number with no account yet gets one.
 * Failed tries are counted in their own transaction, so the refusal does not roll them back.
 */
import { randomInt } from 'node:crypto'
import hash from '@adonisjs/core/services/hash'
import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import type { HttpContext } from '@adonisjs/core/http'
import { AppError, forbidden } from '#core/app_error'
import Visitor from '#identity/models/visitor'
import { auditLog } from '#identity/audit/audit_log'
import { LoginService } from '#identity/services/login_service'
import { Outbox } from '#messaging/services/outbox'
import { runInTenant } from '#tenancy/services/tenant_database'
import type Tenant from '#tenancy/models/tenant'

const CODE_TTL_MS = 5 * 60_000
const MAX_ATTEMPTS = 5

interface CodeRow {
  id: number
  code_hash: string
  attempts: number
  expires_at: Date
}

const wrongCode = (message: string, code: string, status = 400) => new AppError(message, { status, code, field: 'code' })

export default class PhoneLogin {
  constructor(readonly tenant: Tenant) {}

  static for(tenant: Tenant) {
    return new PhoneLogin(tenant)
  }

  /** Sends a new login code to `phone`; returns how long it is valid. Says nothing of whether an account exists. */
  async sendCode(ctx: HttpContext, phone: string) {
    await this.#throttle(ctx, phone)
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    const codeHash = await hash.make(code)
    await runInTenant(this.tenant, async (trx) => {
      await trx.from('visitor_login_codes').where('phone', phone).whereNull('consumed_at').update({ consumed_at: new Date() })
      await trx.table('visitor_login_codes').insert({ phone, code_hash: codeHash, expires_at: new Date(Date.now() + CODE_TTL_MS) })
      await Outbox.enqueue(trx, {
        channel: 'sms',
        recipient: phone,
        template: 'login_code',
        body: `【${this.tenant.name}】您的登录验证码是 ${code}，5 分钟内有效，请勿告诉他人。Your login code is ${code} (valid 5 minutes).`,
        data: { code },
      })
    })
    return { expiresInSeconds: CODE_TTL_MS / 1000 }
  }

  /** Checks the code and signs the visitor of `phone` in (creating the account on first use). */
  async login(ctx: HttpContext, phone: string, code: string): Promise<Visitor> {
    const outcome = await runInTenant(this.tenant, async (trx) => {
      const row: CodeRow | undefined = await trx.from('visitor_login_codes').where('phone', phone).whereNull('consumed_at').orderBy('id', 'desc').forUpdate().first()
      if (!row) return { error: wrongCode('Ask for a login code first', 'E_CODE_INVALID') }
      if (new Date(row.expires_at) <= new Date()) return { error: wrongCode('This code has expired: ask for a new one', 'E_CODE_EXPIRED') }
      if (row.attempts >= MAX_ATTEMPTS) return { error: wrongCode('Too many wrong codes: ask for a new one', 'E_TOO_MANY_ATTEMPTS', 429) }
      if (!(await hash.verify(row.code_hash, code))) {
        await trx.from('visitor_login_codes').where('id', row.id).update({ attempts: row.attempts + 1 })
        await auditLog.tenant(trx, { action: 'auth.login_failed', outcome: 'failure', subjectType: 'visitor_phone', subjectId: phone, meta: { factor: 'sms_code', attempts: row.attempts + 1 } })
        return { error: wrongCode(`The code is incorrect (${MAX_ATTEMPTS - row.attempts - 1} tries left)`, 'E_CODE_INVALID') }
      }
      await trx.from('visitor_login_codes').where('id', row.id).update({ consumed_at: new Date() })
      let visitor = await Visitor.findBy('phone', phone, { client: trx })
      if (!visitor) {
        visitor = await Visitor.create({ phone, status: 'active' }, { client: trx })
        await auditLog.tenant(trx, { action: 'visitor.registered', subjectType: 'visitor', subjectId: visitor.id, after: visitor.serialize(), meta: { via: 'phone' }, actor: { type: 'visitor', id: visitor.id } })
      }
      return { visitor }
    })
    if (outcome.error) throw outcome.error
    if (outcome.visitor!.status !== 'active') throw forbidden('This visitor account is disabled', 'E_ACCOUNT_DISABLED')
    return LoginService.for('visitor').complete(ctx, outcome.visitor!) as Promise<Visitor>
  }

  async #throttle(ctx: HttpContext, phone: string) {
    const venue = `t${this.tenant.id}`
    try {
      await limiter
        .multi([
          { key: `sms-code-ip:${ctx.request.ip()}`, requests: 20, duration: '1 hour' },
          { key: `sms-code-minute:${venue}:${phone}`, requests: 1, duration: '1 min' },
          { key: `sms-code-hour:${venue}:${phone}`, requests: 5, duration: '1 hour' },
        ])
        .consume()
    } catch (error) {
      if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
      const seconds = error.response.availableIn
      throw new AppError(`Too many codes asked for; try again in ${seconds} seconds`, { status: 429, code: 'E_TOO_MANY_CODES', field: 'phone', meta: { retryAfterSeconds: seconds } })
    }
  }
}
