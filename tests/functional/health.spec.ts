import { test } from '@japa/runner'

test.group('Health', () => {
  test('reports the database reachable and migrations current', async ({ client, assert }) => {
    const response = await client.get('/health')
    response.assertStatus(200)
    assert.isTrue(response.body().healthy)
    assert.deepEqual(response.body().migrations.platform.pending, [])
  })
})
