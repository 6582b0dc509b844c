/*
 * The hash chain over an audit table: each row's hash covers its content and the previous row's
 * hash, so an edit, insertion or deletion made behind the application's back breaks the chain
 * at that row. Appends to one table are serialized by a transaction-scoped advisory lock.
 */
import { createHash } from 'node:crypto'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

export const GENESIS_HASH = '0'.repeat(64)

export const HASHED_COLUMNS = [
  'occurred_at', 'actor_type', 'actor_id', 'actor_label', 'action', 'outcome', 'subject_type', 'subject_id',
  'tenant_id', 'ip', 'user_agent', 'request_id', 'before', 'after', 'meta',
] as const

/** JSON with object keys sorted at every level: jsonb does not keep key order. */
function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as any)[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function rowHash(prevHash: string, row: Record<string, unknown>): string {
  // A column the table lacks (tenant_id outside the platform log) hashes as null.
  const content = HASHED_COLUMNS.map((column) => {
    const value = row[column]
    return column === 'occurred_at' && value ? new Date(value as string).toISOString() : value
  })
  return createHash('sha256').update(prevHash).update(canonical(content)).digest('hex')
}

/** Appends one row to `table` (reached through `client`, which must be a transaction). */
export async function appendToChain(client: QueryClientContract, table: string, lockKey: string, row: Record<string, unknown>) {
  await client.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [lockKey])
  const last = await client.from(table).orderBy('id', 'desc').select('hash').first()
  const prevHash: string = last?.hash ?? GENESIS_HASH
  const hash = rowHash(prevHash, row)
  const jsonColumns = { before: json(row.before), after: json(row.after), meta: json(row.meta) }
  await client.table(table).insert({ ...row, ...jsonColumns, prev_hash: prevHash, hash })
  return hash
}

function json(value: unknown) {
  return value === undefined || value === null ? null : JSON.stringify(value)
}

export interface ChainVerdict {
  rows: number
  brokenAtId?: number
  reason?: string
}

/** Walks the table in id order and recomputes every link. */
export async function verifyChain(client: QueryClientContract, table: string, batch = 1000): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH
  let lastId = 0
  let rows = 0
  for (;;) {
    const page = await client.from(table).where('id', '>', lastId).orderBy('id').limit(batch)
    if (page.length === 0) return { rows }
    for (const row of page) {
      if (row.prev_hash !== prevHash) {
        return { rows, brokenAtId: Number(row.id), reason: 'does not link to the row before it (a row was removed or inserted)' }
      }
      if (rowHash(prevHash, row) !== row.hash) {
        return { rows, brokenAtId: Number(row.id), reason: 'its content no longer matches its hash (it was edited)' }
      }
      prevHash = row.hash
      lastId = Number(row.id)
      rows++
    }
  }
}
