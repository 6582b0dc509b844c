/*
 * Venues for tests: provisioned through the real provisioner, each with a unique slug.
 */
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Tenant from '#tenancy/models/tenant'
import type { ApiClient } from '@japa/api-client'
import TenantProvisioner, { type VenueSignup } from '#tenancy/services/tenant_provisioner'
import type { VenueType } from '#tenancy/models/tenant'
import { Agent } from '#tests/helpers/agent'

let counter = 0

export const OWNER_PASSWORD = 'correct-horse-42'

export function uniqueSlug(prefix = 'venue') {
  counter += 1
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 6)}`
}

export async function createTenant(overrides: Partial<VenueSignup> & { status?: 'active' | 'pending' | 'suspended' } = {}) {
  const slug = overrides.slug ?? uniqueSlug()
  const input: VenueSignup = {
    venueName: `Venue ${slug}`,
    venueType: 'scenic' as VenueType,
    slug,
    contactName: 'Owner',
    contactPhone: '13800138000',
    email: `owner@${slug}.test`,
    password: OWNER_PASSWORD,
    ...overrides,
  }
  const provisioner = await app.container.make(TenantProvisioner)
  const { tenant, owner } = await provisioner.provision(input, { status: overrides.status ?? 'active' })
  return { tenant, owner, email: input.email, password: input.password }
}

/** An agent signed in to a venue's console as the given staff member. */
export async function consoleAgent(client: ApiClient, slug: string, email: string, password: string) {
  const agent = new Agent(client, `/t/${slug}/console/api`)
  const response = await agent.post('/login', { email, password })
  response.assertStatus(200)
  return agent
}

/** Changes some of a venue's booking rules (the console sends them whole: read, change, write back). */
export async function setBookingRules(owner: Awaited<ReturnType<typeof consoleAgent>>, changes: Record<string, unknown>) {
  const { updatedAt, ...rules } = (await owner.get('/booking-rules')).body().rules
  ;(await owner.put('/booking-rules', { ...rules, ...changes })).assertStatus(200)
}

/** Removes a venue a test has damaged on purpose, so no later test or command meets it. */
export async function dropTenant(tenant: Tenant) {
  await db.rawQuery(`drop schema if exists "${tenant.schemaName}" cascade`)
  await tenant.delete()
}
