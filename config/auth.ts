import { defineConfig } from '@adonisjs/auth'
import { sessionGuard } from '@adonisjs/auth/session'
import { tokensGuard } from '@adonisjs/auth/access_tokens'
import type { InferAuthenticators, InferAuthEvents, Authenticators } from '@adonisjs/auth/types'
import { realms } from '#identity/auth/realms'
import { RealmSessionProvider } from '#identity/auth/session_provider'
import { StaffTokensProvider } from '#identity/auth/staff_tokens_provider'

/*
 * One guard per kind of account and surface. Tenant guards find their accounts in the tenant
 * the request is bound to (app/identity/auth/realms.ts), never through the model's default
 * connection.
 */
const authConfig = defineConfig({
  default: 'staff',
  guards: {
    platform: sessionGuard({ useRememberMeTokens: false, provider: new RealmSessionProvider(realms.platform) }),
    staff: sessionGuard({ useRememberMeTokens: false, provider: new RealmSessionProvider(realms.staff) }),
    staff_api: tokensGuard({ provider: new StaffTokensProvider() }),
    visitor: sessionGuard({ useRememberMeTokens: false, provider: new RealmSessionProvider(realms.visitor) }),
  },
})

export default authConfig

declare module '@adonisjs/auth/types' {
  export interface Authenticators extends InferAuthenticators<typeof authConfig> {}
}
declare module '@adonisjs/core/types' {
  interface EventsList extends InferAuthEvents<Authenticators> {}
}
