/*
 * Platform staff for tests: an account with a role, signed in through the real password and TOTP
 * steps (platform staff must enrol in two-factor login on their first sign-in).
 */
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import { generate } from 'otplib'
import type { ApiClient } from '@japa/api-client'
import PlatformUser from '#identity/models/platform_user'
import authorization from '#identity/authz/authorization_service'
import { Agent } from '#tests/helpers/agent'

export const PLATFORM_PASSWORD = 'Platform-pass-123'

let counter = 0

export async function platformUser(role: 'superadmin' | 'support', email = `${role}-${process.pid}-${++counter}@platform.test`) {
  const user = await PlatformUser.create({ email, fullName: role, password: await hash.make(PLATFORM_PASSWORD), status: 'active' })
  await authorization.setPlatformRoles(db.connection(), user.id, [role])
  return user
}

/** An agent on /platform/api signed in as a new platform user with `role`. */
export async function platformAgent(client: ApiClient, role: 'superadmin' | 'support' = 'superadmin') {
  const user = await platformUser(role)
  const agent = new Agent(client, '/platform/api')
  const login = await agent.post('/login', { email: user.email, password: PLATFORM_PASSWORD })
  login.assertStatus(200)
  ;(await agent.post('/two-factor', { code: await generate({ secret: login.body().secret }) })).assertStatus(200)
  return Object.assign(agent, { user })
}
