import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Annual and season passes (年卡). A pass product is a product of kind `annual_pass` with its
 * rules in `products.pass_rules` (validity, activation window, entries, one entry per site per
 * day, blackout dates, sites, renewal). It is sold like any open-date product, against a standing
 * open-date session whose quota is how many passes are for sale; each issued ticket of it gets a
 * `passes` row, bound to the ticket's real-name holder. Entries are counted on the ticket (the
 * gate locks its row), the pass keeps its validity, its allowance and the day it last entered
 * each site. A renewal is an order of its own (no tickets) that extends the pass when paid.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('products', (table) => {
      /** The pass's rules (app/members/services/pass_rules.ts); set exactly when kind = 'annual_pass'. */
      table.jsonb('pass_rules')
    })
    // The kind list may have grown since 0004: keep whatever it allows now, and add the pass.
    this.defer(async (db) => {
      const { rows } = await db.rawQuery(
        `select conname, pg_get_constraintdef(oid) as def from pg_constraint
         where conrelid = 'products'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%kind%'`
      )
      const constraint = rows.find((row: { def: string }) => /\(+kind\)/.test(row.def))
      const kinds = new Set<string>(constraint ? [...constraint.def.matchAll(/'([a-z_]+)'/g)].map((match: RegExpMatchArray) => match[1]) : [])
      kinds.add('annual_pass')
      if (constraint) await db.rawQuery(`alter table products drop constraint "${constraint.conname}"`)
      await db.rawQuery(`alter table products add constraint products_kind_check check (kind in (${[...kinds].map((kind) => `'${kind}'`).join(', ')}))`)
    })

    // A scan's answer may now be a pass's ('already_entered_today' is longer than 16).
    this.schema.raw('alter table checkins alter column result type varchar(24)')

    this.schema.createTable('passes', (table) => {
      table.bigIncrements('id')
      table.bigInteger('ticket_id').notNullable().unique().references('order_tickets.id').onDelete('cascade')
      table.bigInteger('order_id').notNullable().references('orders.id').onDelete('cascade')
      table.bigInteger('product_id').notNullable().references('products.id')
      /** The buyer's account (their passes in "my passes"); the holder is the ticket's. */
      table.bigInteger('visitor_id')
      /** Expiry is not a stored status: an active pass past valid_until is expired. */
      table.string('status', 20).notNullable().defaultTo('pending_activation').checkIn(['pending_activation', 'active', 'suspended', 'revoked'])
      /** A pass not activated by then starts by itself at this instant. */
      table.timestamp('activate_by', { useTz: true }).notNullable()
      table.timestamp('activated_at', { useTz: true })
      /** Exclusive end of validity (the start of the day after its last valid day). */
      table.timestamp('valid_until', { useTz: true })
      /** Entries the pass gives over its life (renewals add theirs); null: unlimited. */
      table.integer('entries_allowed')
      /** { siteId: 'YYYY-MM-DD' }: the local day of the last entry at each site (one entry per site per day). */
      table.jsonb('site_days').notNullable().defaultTo('{}')
      /** Why it is suspended or revoked. */
      table.string('status_reason', 200)
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['visitor_id'])
      table.index(['product_id'])
      table.index(['updated_at'])
    })
    this.schema.raw(`alter table passes add constraint passes_active_has_validity check (status <> 'active' or (activated_at is not null and valid_until is not null))`)

    /** What happened to a pass, with who and why: its timeline in the console. */
    this.schema.createTable('pass_events', (table) => {
      table.bigIncrements('id')
      table.bigInteger('pass_id').notNullable().references('passes.id').onDelete('cascade')
      table.string('type', 20).notNullable()
      table.string('actor', 60).notNullable()
      table.string('reason', 200)
      table.jsonb('data').notNullable().defaultTo('{}')
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['pass_id'])
    })

    /** 续卡: an order (no tickets) at the renewal price; applied once, when it is paid. */
    this.schema.createTable('pass_renewals', (table) => {
      table.bigIncrements('id')
      table.bigInteger('pass_id').notNullable().references('passes.id').onDelete('cascade')
      table.bigInteger('order_id').notNullable().unique().references('orders.id').onDelete('cascade')
      table.integer('price').notNullable()
      table.string('status', 10).notNullable().defaultTo('pending').checkIn(['pending', 'applied'])
      table.timestamp('valid_until_before', { useTz: true })
      table.timestamp('valid_until_after', { useTz: true })
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('applied_at', { useTz: true })
      table.index(['pass_id'])
    })
  }

  async down() {
    this.schema.dropTable('pass_renewals')
    this.schema.dropTable('pass_events')
    this.schema.dropTable('passes')
    this.schema.raw('alter table checkins alter column result type varchar(16)')
    this.schema.alterTable('products', (table) => {
      table.dropColumn('pass_rules')
    })
  }
}
