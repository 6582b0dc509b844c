import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createTenant } from '#tests/helpers/tenants'
import { quotaState, seedSale } from '#tests/helpers/catalog'

const ID = '11010519491231002X'

test.group('What a hold must carry', () => {
  test('tickets limited per ID number, or real-name, need one holder per ticket', async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant, { products: [{ idLimitScope: 'day' }, {}], quotas: [{ capacity: 10 }] })
    await db.from(`${tenant.schemaName}.products`).where('id', sale.products[1].id).update({ real_name_required: true })
    const hold = (productId: number, quantity: number, holders: { item: number; name: string; idNumber: string }[] = []) =>
      client.post(`/t/${tenant.slug}/api/holds`).json({ items: [{ productId, sessionId: sale.session.id, quantity }], holders })

    for (const product of sale.products) {
      const missing = await hold(product.id, 1)
      missing.assertStatus(422)
      assert.equal(missing.body().errors[0].code, 'E_NOT_ON_SALE')
      ;(await hold(product.id, 2, [{ item: 0, name: '张三', idNumber: ID }])).assertStatus(422)
    }
    assert.equal((await quotaState(tenant, sale.quotas[0].id)).held, 0)

    ;(await hold(sale.products[0].id, 1, [{ item: 0, name: '张三', idNumber: ID }])).assertStatus(201)
    ;(await hold(sale.products[1].id, 1, [{ item: 0, name: '李四', idNumber: '440524188001010014' }])).assertStatus(201)
    const badChecksum = await hold(sale.products[1].id, 1, [{ item: 0, name: '王五', idNumber: '110105194912310021' }])
    badChecksum.assertStatus(422)
    assert.equal(badChecksum.body().errors[0].field, 'holders.0.idNumber')
  })

  test("a hold keeps its places for the venue's hold time", async ({ client, assert }) => {
    const { tenant } = await createTenant()
    const sale = await seedSale(tenant)
    await db.from(`${tenant.schemaName}.booking_rules`).update({ hold_minutes: 40 })
    const response = await client
      .post(`/t/${tenant.slug}/api/holds`)
      .json({ items: [{ productId: sale.products[0].id, sessionId: sale.session.id, quantity: 1 }] })
    response.assertStatus(201)
    const minutes = (new Date(response.body().hold.expiresAt).getTime() - Date.now()) / 60_000
    assert.closeTo(minutes, 40, 1)
  })
})
