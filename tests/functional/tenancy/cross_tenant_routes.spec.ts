/*
 * Every route of every tenant surface, taken from the router itself, called at venue B with
 * venue A's owner session and with A's owner API token: none may succeed or show B's data.
 * A route added later is covered without touching this test.
 */
import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

/** Routes a visitor or staff member may call without being signed in. */
const SIGN_IN_ROUTES = new Set(['/login', '/two-factor', '/account/login', '/account/register', '/', '/console'])

function tenantRoutes() {
  return Object.values(router.toJSON())
    .flat()
    .filter((route) => route.pattern.startsWith('/t/:tenant'))
    .flatMap((route) => route.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, pattern: route.pattern })))
}

test.group('Cross-tenant access', () => {
  test("venue A's session and token get nothing from any route of venue B", async ({ client, assert }) => {
    const a = await createTenant()
    const b = await createTenant()
    const ownerA = await consoleAgent(client, a.tenant.slug, a.email, a.password)
    const { token } = (await ownerA.post('/tokens', { name: 'A script' })).body()
    const sessionA = ownerA.at('')
    const tokenA = new Agent(client, '', { authorization: `Bearer ${token.plainToken}` })

    const routes = tenantRoutes()
    assert.isAbove(routes.length, 20)
    for (const { method, pattern } of routes) {
      const path = pattern
        .replace(':tenant', b.tenant.slug)
        .replace(':id', String(b.owner.id))
        .replace(':key', 'owner')
      const tail = pattern.replace(/^\/t\/:tenant(\/console\/api|\/api)?/, '') || '/'
      for (const [who, agent] of [['session', sessionA], ['token', tokenA]] as const) {
        const call = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'
        const response = await agent[call](path, ...(call === 'get' || call === 'delete' ? [] : [{}]))
        const label = `${who} ${method} ${path}`
        assert.notInclude(JSON.stringify(response.body() ?? ''), b.email, label)
        if (SIGN_IN_ROUTES.has(tail)) {
          // Public pages and sign-in endpoints answer, but never as A at B.
          assert.notInclude(JSON.stringify(response.body() ?? ''), a.email, label)
          continue
        }
        assert.include([401, 403, 404], response.status(), label)
      }
    }

    // B is untouched: its owner still signs in and is the only staff member.
    const ownerB = await consoleAgent(client, b.tenant.slug, b.email, b.password)
    const staff = (await ownerB.get('/staff')).body().staff
    assert.deepEqual(staff.map((m: { email: string }) => m.email), [b.email])
  })
})
