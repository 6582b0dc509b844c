/*
 * Every route of every tenant surface, taken from the router itself, called at venue B with
 * venue A's owner session and with A's owner API token: A's credentials must get nothing more
 * than an anonymous caller gets (a protected route refuses, a public one answers as it would to
 * anyone), and never show B's or A's staff data. A route added later is covered without
 * touching this test.
 */
import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import { Agent } from '#tests/helpers/agent'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'

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
    const anonymous = new Agent(client)

    const routes = tenantRoutes()
    assert.isAbove(routes.length, 20)
    for (const { method, pattern } of routes) {
      const path = pattern
        .replace(':tenant', b.tenant.slug)
        .replace(':key', 'owner')
        .replace(':date', '2030-01-01')
        .replace(/:\w+/g, String(b.owner.id))
      const call = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'
      const send = (agent: Agent) => agent[call](path, ...(call === 'get' || call === 'delete' ? [] : [{}]))
      const baseline = await send(anonymous)
      for (const [who, agent] of [['session', sessionA], ['token', tokenA]] as const) {
        const response = await send(agent)
        const label = `${who} ${method} ${path}`
        const body = JSON.stringify(response.body() ?? '')
        assert.notInclude(body, b.email, label)
        assert.notInclude(body, a.email, label)
        if ([401, 403, 404].includes(baseline.status())) assert.include([401, 403, 404], response.status(), label)
        else assert.equal(response.status(), baseline.status(), label)
      }
    }

    // B is untouched: its owner still signs in and is the only staff member.
    const ownerB = await consoleAgent(client, b.tenant.slug, b.email, b.password)
    const staff = (await ownerB.get('/staff')).body().staff
    assert.deepEqual(staff.map((m: { email: string }) => m.email), [b.email])
  })
})
