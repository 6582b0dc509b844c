import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createTenant } from '#tests/helpers/tenants'

test.group('Health', () => {
  test('reports the database reachable and migrations current', async ({ client, assert }) => {
    const response = await client.get('/health')
    response.assertStatus(200)
    assert.isTrue(response.body().healthy)
    assert.deepEqual(response.body().migrations.platform.pending, [])
  })

  test('is unhealthy (503) while a venue schema is behind the latest migration', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const { schema_version: current } = await db.from('tenants').where('id', tenant.id).firstOrFail()
    await db.from('tenants').where('id', tenant.id).update({ schema_version: '0001_create_staff_and_visitors' })
    try {
      const response = await client.get('/health')
      response.assertStatus(503)
      assert.isFalse(response.body().healthy)
      assert.equal(response.body().migrations.tenants.behind, 1)
    } finally {
      await db.from('tenants').where('id', tenant.id).update({ schema_version: current })
    }
    ;(await client.get('/health')).assertStatus(200)
  })
})
