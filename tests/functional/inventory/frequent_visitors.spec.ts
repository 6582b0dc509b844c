import { test } from '@japa/runner'
import encryption from '@adonisjs/core/services/encryption'
import { idNumberHash } from '#inventory/services/real_name'
import { runInTenant } from '#tenancy/services/tenant_database'
import { consoleAgent, createTenant } from '#tests/helpers/tenants'
import { visitorAgent } from '#tests/helpers/visitors'

/** A valid mainland ID number (GB 11643 check character), distinct for each `n` below 1000. */
function mainlandId(n: number) {
  const body = `1101051990010${String(n).padStart(4, '0')}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = weights.reduce((total, weight, i) => total + weight * Number(body[i]), 0)
  return body + '10X98765432'[sum % 11]
}

const ZHANG = '11010519491231002X'

test.group('Frequent visitors (常用游客)', () => {
  test('a visitor saves, lists and removes holders; ID numbers only ever leave masked', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const { agent, id: visitorId } = await visitorAgent(client, tenant.slug, 'traveller@example.cn')

    const created = await agent.post('/account/holders', { name: '张三', idNumber: ZHANG.toLowerCase().replace('1949', '1949 ') })
    created.assertStatus(201)
    const holder = created.body().holder
    assert.deepInclude(holder, { name: '张三', idType: 'mainland_id', idNumberMasked: '110105********002X' })
    assert.notInclude(JSON.stringify(created.body()), ZHANG)
    await agent.post('/account/holders', { name: '李四', idType: 'mainland_id', idNumber: mainlandId(1) })

    const listed = await agent.get('/account/holders')
    listed.assertStatus(200)
    assert.deepEqual(listed.body().holders.map((h: { name: string }) => h.name), ['张三', '李四'])
    assert.notInclude(JSON.stringify(listed.body()), ZHANG)
    assert.notInclude(JSON.stringify(listed.body()), mainlandId(1))

    // Stored encrypted (not the number, not a plain hash of it) beside the venue's keyed hash.
    const row = await runInTenant(tenant, (trx) => trx.from('frequent_visitors').where('id', holder.id).firstOrFail())
    assert.equal(row.visitor_id, visitorId)
    assert.notInclude(row.id_number_encrypted, ZHANG)
    assert.equal(encryption.decrypt(row.id_number_encrypted), ZHANG)
    assert.equal(row.id_number_hash, idNumberHash(tenant.id, ZHANG))

    ;(await agent.delete(`/account/holders/${holder.id}`)).assertStatus(204)
    ;(await agent.delete(`/account/holders/${holder.id}`)).assertStatus(404)
    assert.deepEqual((await agent.get('/account/holders')).body().holders.map((h: { name: string }) => h.name), ['李四'])

    // Audited, masked as well.
    const audit = await runInTenant(tenant, (trx) =>
      trx.from('audit_logs').whereIn('action', ['frequent_visitor.created', 'frequent_visitor.deleted']).orderBy('id')
    )
    assert.deepEqual(audit.map((entry) => [entry.action, entry.actor_id]), [
      ['frequent_visitor.created', String(visitorId)],
      ['frequent_visitor.created', String(visitorId)],
      ['frequent_visitor.deleted', String(visitorId)],
    ])
    assert.equal(audit[2].before.idNumberMasked, '110105********002X')
    assert.notInclude(JSON.stringify(audit), ZHANG)
  })

  test('holders are private to their account, and need a signed-in visitor', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const { agent: mine } = await visitorAgent(client, tenant.slug, 'me@example.cn')
    const { agent: theirs } = await visitorAgent(client, tenant.slug, 'them@example.cn')
    const { holder } = (await mine.post('/account/holders', { name: '张三', idNumber: ZHANG })).body()

    assert.lengthOf((await theirs.get('/account/holders')).body().holders, 0)
    ;(await theirs.delete(`/account/holders/${holder.id}`)).assertStatus(404)
    // The same person may be a holder of several accounts.
    ;(await theirs.post('/account/holders', { name: '张三', idNumber: ZHANG })).assertStatus(201)
    assert.lengthOf((await mine.get('/account/holders')).body().holders, 1)

    const anonymous = client.get(`/t/${tenant.slug}/api/account/holders`).header('accept', 'application/json')
    ;(await anonymous).assertStatus(401)
  })

  test('refuses invalid ID numbers and a holder saved twice', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const { agent } = await visitorAgent(client, tenant.slug, 'traveller@example.cn')
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '张三', idNumber: '110105194912310021' }, 'idNumber'], // wrong check character
      [{ name: '张三', idNumber: '1101051949123100' }, 'idNumber'],
      [{ name: '张三', idNumber: ZHANG, idType: 'passport' }, 'idType'],
      [{ name: '', idNumber: ZHANG }, 'name'],
      [{ name: '张三' }, 'idNumber'],
    ]
    for (const [body, field] of cases) {
      const response = await agent.post('/account/holders', body)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, field, JSON.stringify(body))
    }

    ;(await agent.post('/account/holders', { name: '张三', idNumber: ZHANG })).assertStatus(201)
    const twice = await agent.post('/account/holders', { name: '张三丰', idNumber: ` ${ZHANG.toLowerCase()} ` })
    twice.assertStatus(422)
    assert.deepInclude(twice.body().errors[0], { field: 'idNumber', code: 'E_HOLDER_EXISTS' })
    assert.lengthOf((await agent.get('/account/holders')).body().holders, 1)
  })

  test('an account keeps at most the venue maximum of holders (5 by default, set in the console)', async ({ client, assert }) => {
    const venue = await createTenant()
    const { agent } = await visitorAgent(client, venue.tenant.slug, 'traveller@example.cn')
    for (let n = 0; n < 5; n++) (await agent.post('/account/holders', { name: `游客${n}`, idNumber: mainlandId(n) })).assertStatus(201)

    const sixth = await agent.post('/account/holders', { name: '游客5', idNumber: mainlandId(5) })
    sixth.assertStatus(409)
    assert.deepInclude(sixth.body().errors[0], { code: 'E_HOLDER_LIMIT', limit: 5 })
    assert.match(sixth.body().errors[0].message, /at most 5 holders/)

    // Removing one makes room again.
    const [first] = (await agent.get('/account/holders')).body().holders
    ;(await agent.delete(`/account/holders/${first.id}`)).assertStatus(204)
    ;(await agent.post('/account/holders', { name: '游客5', idNumber: mainlandId(5) })).assertStatus(201)

    const owner = await consoleAgent(client, venue.tenant.slug, venue.email, venue.password)
    const { rules } = (await owner.get('/booking-rules')).body()
    ;(await owner.put('/booking-rules', { ...rules, maxHoldersPerAccount: 6 })).assertStatus(200)
    ;(await agent.post('/account/holders', { name: '游客6', idNumber: mainlandId(6) })).assertStatus(201)
    ;(await agent.post('/account/holders', { name: '游客7', idNumber: mainlandId(7) })).assertStatus(409)
  })

  test('ten parallel additions at one below the limit: exactly one passes', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const { agent, id: visitorId } = await visitorAgent(client, tenant.slug, 'traveller@example.cn')
    for (let n = 0; n < 4; n++) await agent.post('/account/holders', { name: `游客${n}`, idNumber: mainlandId(n) })

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => agent.post('/account/holders', { name: `抢${i}`, idNumber: mainlandId(100 + i) }))
    )
    assert.deepEqual(responses.map((r) => r.status()).sort(), [201, ...Array(9).fill(409)])
    assert.isTrue(responses.filter((r) => r.status() === 409).every((r) => r.body().errors[0].code === 'E_HOLDER_LIMIT'))
    const stored = await runInTenant(tenant, (trx) => trx.from('frequent_visitors').where('visitor_id', visitorId).count('* as total').first())
    assert.equal(Number(stored.total), 5)
  })
})
