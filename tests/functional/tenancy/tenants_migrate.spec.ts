import { test } from '@japa/runner'
import Tenant from '#tenancy/models/tenant'
import TenantMigrator from '#tenancy/services/tenant_migrator'
import { runInTenant } from '#tenancy/services/tenant_database'
import { createTenant, dropTenant } from '#tests/helpers/tenants'
import { runAce } from '#tests/helpers/ace'

const AUDIT_MIGRATION = '0003_create_audit_logs'

function lineOf(lines: string[], tenant: Tenant) {
  return lines.find((line) => line.includes(`${tenant.slug} (${tenant.schemaName})`)) ?? ''
}

/** Undoes the audit-log migration; with `conflict`, leaves a table that makes redoing it fail. */
function putBehind(tenant: Tenant, conflict = false) {
  return runInTenant(tenant, async (trx) => {
    // DROP fires no trigger: the append-only one guards update, delete and truncate.
    await trx.rawQuery('drop table audit_logs')
    await trx.from('tenant_migrations').where('name', AUDIT_MIGRATION).delete()
    if (conflict) await trx.rawQuery('create table audit_logs (id integer)')
  })
}

function pending(tenant: Tenant) {
  return runInTenant(tenant, (trx) => new TenantMigrator().pending(trx))
}

test.group('tenants:migrate', () => {
  test('migrates every tenant it can, reports the one it cannot, and resumes', async ({ assert, cleanup }) => {
    const healthy = await Promise.all([1, 2, 3].map(async () => (await createTenant()).tenant))
    const { tenant: broken } = await createTenant()
    cleanup(() => dropTenant(broken))
    for (const tenant of healthy) await putBehind(tenant)
    await putBehind(broken, true)

    const first = await runAce('tenants:migrate')
    assert.equal(first.command.exitCode, 1)
    for (const tenant of healthy) {
      assert.include(lineOf(first.lines, tenant), `applied ${AUDIT_MIGRATION}`)
      assert.deepEqual(await pending(tenant), [])
      await runInTenant(tenant, async (trx) => {
        const { rows } = await trx.rawQuery("select to_regclass('audit_logs') as found")
        assert.isNotNull(rows[0].found)
      })
    }
    assert.include(lineOf(first.lines, broken), 'failed')
    assert.include(lineOf(first.lines, broken), 'already exists')
    assert.deepEqual(await pending(broken), [AUDIT_MIGRATION])

    const second = await runAce('tenants:migrate')
    assert.equal(second.command.exitCode, 1)
    for (const tenant of healthy) assert.include(lineOf(second.lines, tenant), 'up to date')
    assert.include(lineOf(second.lines, broken), 'already exists')

    // Once the obstacle is gone the next run picks the broken tenant up.
    await runInTenant(broken, (trx) => trx.rawQuery('drop table audit_logs'))
    const third = await runAce('tenants:migrate')
    assert.equal(third.command.exitCode, 0)
    assert.include(lineOf(third.lines, broken), `applied ${AUDIT_MIGRATION}`)
    assert.include(third.lines.at(-1), '0 failed')
  })
})
