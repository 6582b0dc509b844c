import type { ApiClient } from '@japa/api-client'
import { Agent } from '#tests/helpers/agent'

export const VISITOR_PASSWORD = 'Visitor-pass-2024'

/** A visitor who registered at the venue through the API and is signed in (visitor API base). */
export async function visitorAgent(client: ApiClient, slug: string, email: string) {
  const agent = new Agent(client, `/t/${slug}/api`)
  const response = await agent.post('/account/register', { email, password: VISITOR_PASSWORD })
  response.assertStatus(201)
  return { agent, id: response.body().account.id as number }
}
