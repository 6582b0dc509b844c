import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { RawQueryBindings } from '@adonisjs/lucid/types/querybuilder'
import { auditLog } from '#identity/audit/audit_log'
import Tenant from '#tenancy/models/tenant'
import { runInTenant } from '#tenancy/services/tenant_database'
import { createTenant, dropTenant } from '#tests/helpers/tenants'
import { runAce } from '#tests/helpers/ace'

function lineOf(lines: string[], log: string) {
  return lines.find((line) => line.includes(log)) ?? ''
}

/** Changes an audit table the way only someone with database rights could: trigger off, write, trigger on. */
function tamper(table: string, sql: string, bindings: RawQueryBindings) {
  return db.transaction(async (trx) => {
    await trx.rawQuery(`alter table ${table} disable trigger user`)
    await trx.rawQuery(sql, bindings)
    await trx.rawQuery(`alter table ${table} enable trigger user`)
  })
}

/** A venue whose log is about to be tampered with: gone after the test, so no other test sees it. */
async function disposableTenant(cleanup: (handler: () => Promise<void>) => void) {
  const { tenant } = await createTenant()
  cleanup(() => dropTenant(tenant))
  // More rows after provisioning's own, so removing the first leaves rows whose link breaks.
  await runInTenant(tenant, async (trx) => {
    for (const action of ['venue.opened', 'venue.renamed']) await auditLog.tenant(trx, { action, actor: { type: 'system' } })
  })
  return tenant
}

async function firstTenantAuditId(tenant: Tenant) {
  return runInTenant(tenant, async (trx) => Number((await trx.from('audit_logs').min('id as id').first()).id))
}

test.group('audit:verify', () => {
  test('passes on untouched logs and names an edited tenant row', async ({ assert, cleanup }) => {
    const tenant = await disposableTenant(cleanup)
    const log = `${tenant.schemaName}.audit_logs`

    const clean = await runAce('audit:verify')
    assert.equal(clean.command.exitCode, 0)
    assert.match(lineOf(clean.lines, log), /3 rows checked, OK/)
    assert.include(lineOf(clean.lines, 'public.platform_audit_logs'), 'OK')

    const id = await firstTenantAuditId(tenant)
    await tamper(log, `update ${log} set after = jsonb_set(after, '{fullName}', '"Mallory"') where id = ?`, [id])

    const tampered = await runAce('audit:verify')
    assert.equal(tampered.command.exitCode, 1)
    assert.include(lineOf(tampered.lines, log), `BROKEN at row ${id}: its content no longer matches its hash`)
  })

  test('names the row after a deleted one', async ({ assert, cleanup }) => {
    const tenant = await disposableTenant(cleanup)
    const log = `${tenant.schemaName}.audit_logs`
    const id = await firstTenantAuditId(tenant)
    await tamper(log, `delete from ${log} where id = ?`, [id])

    const { command, lines } = await runAce('audit:verify')
    assert.equal(command.exitCode, 1)
    assert.include(lineOf(lines, log), `0 rows checked, BROKEN at row ${id + 1}: does not link to the row before it`)
  })

  test('names an edited platform row, and passes again once it is restored', async ({ assert, cleanup }) => {
    const { tenant } = await createTenant()
    const row = await db
      .from('platform_audit_logs')
      .where({ action: 'tenant.created', subject_id: String(tenant.id) })
      .select('id', db.raw('after::text as original'))
      .firstOrFail()
    const restore = 'update platform_audit_logs set after = ?::jsonb where id = ?'
    cleanup(() => tamper('platform_audit_logs', restore, [row.original, row.id]))
    await tamper('platform_audit_logs', `update platform_audit_logs set after = after || '{"name": "Mallory"}' where id = ?`, [row.id])

    const tampered = await runAce('audit:verify')
    assert.equal(tampered.command.exitCode, 1)
    assert.include(lineOf(tampered.lines, 'public.platform_audit_logs'), `BROKEN at row ${row.id}: its content no longer matches its hash`)

    await tamper('platform_audit_logs', restore, [row.original, row.id])
    const restored = await runAce('audit:verify')
    assert.equal(restored.command.exitCode, 0)
  })
})
