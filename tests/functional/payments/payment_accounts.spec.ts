import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createTenant, consoleAgent } from '#tests/helpers/tenants'
import { registerSandboxMerchant } from '#sandbox/sandbox_merchants'
import { sandboxUrl } from '#tests/helpers/payments'
import type { ChannelKind } from '#payments/channel'

const SECRETS: Record<ChannelKind, string[]> = { wechat_pay: ['privateKey', 'apiV3Key'], alipay: ['privateKey'], unionpay: ['signPrivateKey'] }

/** A piece of a secret long enough to be unmistakable (a PEM body, or a whole API key). */
const sample = (secret: unknown) => {
  const text = String(secret)
  return text.length > 80 ? text.slice(40, 80) : text
}

test.group('Merchant accounts at the console', () => {
  test('secrets go in encrypted and never come out; test connection signs a real call', async ({ client, assert }) => {
    const { tenant, email, password } = await createTenant()
    const owner = await consoleAgent(client, tenant.slug, email, password)
    for (const kind of ['wechat_pay', 'alipay', 'unionpay'] as ChannelKind[]) {
      const credentials = await registerSandboxMerchant(sandboxUrl(), kind)
      const saved = await owner.put(`/payment-accounts/${kind}`, credentials)
      saved.assertStatus(200)
      const text = JSON.stringify(saved.body())
      for (const secret of SECRETS[kind]) {
        assert.notInclude(text, sample(credentials[secret]), `${kind} ${secret} must not be returned`)
        assert.include(saved.body().account.secretsSet, secret)
      }
      const stored = await db.from(`${tenant.schemaName}.payment_accounts`).where('channel', kind).firstOrFail()
      for (const secret of SECRETS[kind]) assert.notInclude(stored.secrets, sample(credentials[secret]))

      const tested = await owner.post(`/payment-accounts/${kind}/test`)
      tested.assertStatus(200)
      assert.equal(tested.body().account.test.status, 'ok', `${kind}: ${tested.body().account.test.error}`)
    }
    const audit = await db.from(`${tenant.schemaName}.audit_logs`).where('action', 'like', 'payment_account.%').select('after', 'meta')
    assert.lengthOf(audit, 6)
    assert.notInclude(JSON.stringify(audit), 'PRIVATE KEY')

    // Rotation: a new key replaces the stored one; leaving the secret out keeps it.
    const rotated = await registerSandboxMerchant(sandboxUrl(), 'alipay')
    const current = (await owner.get('/payment-accounts/alipay')).body().account
    const keep = await owner.put('/payment-accounts/alipay', { appId: current.merchantId, alipayPublicKey: current.settings.alipayPublicKey })
    keep.assertStatus(200)
    assert.equal((await owner.post('/payment-accounts/alipay/test')).body().account.test.status, 'ok')
    ;(await owner.put('/payment-accounts/alipay', rotated)).assertStatus(200)
    const after = await owner.post('/payment-accounts/alipay/test')
    assert.equal(after.body().account.test.status, 'ok')
    assert.equal(after.body().account.merchantId, rotated.appId)
  })

  test('bad credentials are refused with the field named; a failing account says why', async ({ client, assert }) => {
    const { tenant, email, password } = await createTenant()
    const owner = await consoleAgent(client, tenant.slug, email, password)
    const credentials = await registerSandboxMerchant(sandboxUrl(), 'wechat_pay')

    const noKey = await owner.put('/payment-accounts/wechat_pay', { ...credentials, privateKey: undefined })
    noKey.assertStatus(422)
    assert.equal(noKey.body().errors[0].field, 'privateKey')
    const garbled = await owner.put('/payment-accounts/wechat_pay', { ...credentials, privateKey: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' })
    garbled.assertStatus(422)
    assert.equal(garbled.body().errors[0].field, 'privateKey')
    const shortKey = await owner.put('/payment-accounts/wechat_pay', { ...credentials, apiV3Key: 'short' })
    shortKey.assertStatus(422)
    assert.equal(shortKey.body().errors[0].field, 'apiV3Key')
    assert.lengthOf(await db.from(`${tenant.schemaName}.payment_accounts`), 0)

    // Another merchant's private key: the gateway refuses the signature, and the test says so.
    const other = await registerSandboxMerchant(sandboxUrl(), 'wechat_pay')
    ;(await owner.put('/payment-accounts/wechat_pay', { ...credentials, privateKey: other.privateKey })).assertStatus(200)
    const tested = (await owner.post('/payment-accounts/wechat_pay/test')).body().account.test
    assert.equal(tested.status, 'failed')
    assert.isString(tested.error)

    ;(await owner.get('/payment-accounts/paypal')).assertStatus(404)
  })

  test('only staff allowed to configure channels may change them', async ({ client, assert }) => {
    const { tenant, email, password } = await createTenant()
    const owner = await consoleAgent(client, tenant.slug, email, password)
    const staff = await owner.post('/staff', { email: `finance@${tenant.slug}.test`, fullName: 'Finance', password: 'finance-pass-2026', roles: ['finance'] })
    staff.assertStatus(201)
    const finance = await consoleAgent(client, tenant.slug, `finance@${tenant.slug}.test`, 'finance-pass-2026')
    ;(await finance.get('/payment-accounts')).assertStatus(200)
    const refused = await finance.put('/payment-accounts/alipay', await registerSandboxMerchant(sandboxUrl(), 'alipay'))
    refused.assertStatus(403)
    assert.lengthOf(await db.from(`${tenant.schemaName}.payment_accounts`), 0)
  })
})
