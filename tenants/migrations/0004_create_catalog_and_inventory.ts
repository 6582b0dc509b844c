import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * What a venue sells and how much of it there is: sites, zones and seat maps, products (票种),
 * sessions and time slots (场次 / 分时预约), quotas, and holds. Capacity rules live in the database
 * too: a quota can never hold or sell more than its capacity, and a seat is held by one hold only.
 */
export default class extends BaseSchema {
  async up() {
    const timestamps = (table: any) => {
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    }

    this.schema.createTable('sites', (table) => {
      table.bigIncrements('id')
      table.string('name', 100).notNullable()
      table.string('address', 300)
      table.string('timezone', 40).notNullable().defaultTo('Asia/Shanghai')
      timestamps(table)
    })

    /** An area (区域) of a site, or a hall with a seat map. */
    this.schema.createTable('zones', (table) => {
      table.bigIncrements('id')
      table.bigInteger('site_id').notNullable().references('sites.id').onDelete('cascade')
      table.string('name', 100).notNullable()
      table.string('kind', 10).notNullable().checkIn(['area', 'hall'])
      timestamps(table)
    })

    this.schema.createTable('seats', (table) => {
      table.bigIncrements('id')
      table.bigInteger('zone_id').notNullable().references('zones.id').onDelete('cascade')
      table.string('section', 40).notNullable().defaultTo('')
      table.string('row_label', 10).notNullable()
      table.string('seat_label', 10).notNullable()
      table.integer('x').notNullable()
      table.integer('y').notNullable()
      table.boolean('accessible').notNullable().defaultTo(false)
      table.boolean('sellable').notNullable().defaultTo(true)
      table.unique(['zone_id', 'section', 'row_label', 'seat_label'])
    })

    /** 票种. Prices are integer fen. */
    this.schema.createTable('products', (table) => {
      table.bigIncrements('id')
      table.bigInteger('site_id').notNullable().references('sites.id').onDelete('cascade')
      table.bigInteger('zone_id').references('zones.id').onDelete('set null')
      table.string('name', 100).notNullable()
      table.string('kind', 12).notNullable().checkIn(['adult', 'child', 'senior', 'student', 'group', 'package', 'free'])
      table.text('description')
      table.jsonb('images').notNullable().defaultTo('[]')
      table.integer('base_price').notNullable().defaultTo(0)
      table.string('status', 10).notNullable().defaultTo('draft').checkIn(['draft', 'on_sale', 'off_sale'])
      table.string('seating', 10).notNullable().defaultTo('general').checkIn(['general', 'reserved'])
      table.string('validity', 10).notNullable().defaultTo('session').checkIn(['session', 'open_date'])
      table.timestamp('sale_starts_at', { useTz: true })
      table.timestamp('sale_ends_at', { useTz: true })
      table.integer('min_per_order').notNullable().defaultTo(1)
      table.integer('max_per_order').notNullable().defaultTo(10)
      table.integer('party_min')
      table.integer('party_max')
      table.boolean('real_name_required').notNullable().defaultTo(false)
      /** One ticket per ID number per: nothing, session, or day (real-name anti-scalping rule). */
      table.string('id_limit_scope', 10).notNullable().defaultTo('none').checkIn(['none', 'session', 'day'])
      table.boolean('refundable').notNullable().defaultTo(true)
      table.boolean('changeable').notNullable().defaultTo(false)
      /** 梯次退票: [{ hoursBefore, feePercent }], the fee that applies until that many hours before the start. */
      table.jsonb('refund_tiers').notNullable().defaultTo('[]')
      timestamps(table)
    })
    this.schema.raw('alter table products add constraint products_order_limits check (min_per_order >= 1 and max_per_order >= min_per_order)')
    this.schema.raw('alter table products add constraint products_price check (base_price >= 0)')

    /** 套票: a package's parts, each drawing on its own capacity. */
    this.schema.createTable('package_parts', (table) => {
      table.bigIncrements('id')
      table.bigInteger('package_id').notNullable().references('products.id').onDelete('cascade')
      table.bigInteger('part_id').notNullable().references('products.id').onDelete('restrict')
      table.integer('quantity').notNullable().defaultTo(1)
      table.unique(['package_id', 'part_id'])
    })

    /** 场次: a performance, a time slot of a day, or an open-date validity range. */
    this.schema.createTable('sessions', (table) => {
      table.bigIncrements('id')
      table.bigInteger('site_id').notNullable().references('sites.id').onDelete('cascade')
      table.bigInteger('zone_id').references('zones.id').onDelete('set null')
      table.string('kind', 12).notNullable().checkIn(['performance', 'slot', 'open_date'])
      table.string('name', 100)
      table.timestamp('starts_at', { useTz: true }).notNullable()
      table.timestamp('ends_at', { useTz: true }).notNullable()
      table.string('status', 10).notNullable().defaultTo('open').checkIn(['open', 'closed', 'cancelled'])
      timestamps(table)
      table.index(['site_id', 'starts_at'])
    })
    this.schema.raw('alter table sessions add constraint sessions_time_order check (ends_at > starts_at)')

    /** Capacity of a session for one or more products. held + sold never exceeds capacity. */
    this.schema.createTable('quotas', (table) => {
      table.bigIncrements('id')
      table.bigInteger('session_id').notNullable().references('sessions.id').onDelete('cascade')
      table.string('name', 100).notNullable()
      table.integer('capacity').notNullable()
      table.integer('held').notNullable().defaultTo(0)
      table.integer('sold').notNullable().defaultTo(0)
      timestamps(table)
      table.index(['session_id'])
    })
    this.schema.raw(
      'alter table quotas add constraint quotas_never_oversold check (held >= 0 and sold >= 0 and capacity >= 0 and held + sold <= capacity)'
    )

    this.schema.createTable('quota_products', (table) => {
      table.bigInteger('quota_id').notNullable().references('quotas.id').onDelete('cascade')
      table.bigInteger('product_id').notNullable().references('products.id').onDelete('cascade')
      table.primary(['quota_id', 'product_id'])
      table.index(['product_id'])
    })

    /** A hold reserves capacity for a while; an order consumes it, or it expires / is released. */
    this.schema.createTable('holds', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table.bigInteger('visitor_id')
      table.string('channel', 20).notNullable().defaultTo('visitor')
      table.string('status', 10).notNullable().defaultTo('active').checkIn(['active', 'consumed', 'released', 'expired'])
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('ended_at', { useTz: true })
    })
    this.schema.raw("create index holds_active_expiry on holds (expires_at) where status = 'active'")

    this.schema.createTable('hold_items', (table) => {
      table.bigIncrements('id')
      table.uuid('hold_id').notNullable().references('holds.id').onDelete('cascade')
      table.bigInteger('product_id').notNullable().references('products.id')
      table.bigInteger('session_id').notNullable().references('sessions.id')
      table.integer('quantity').notNullable()
      table.index(['hold_id'])
    })

    /** What a hold took from each quota: given back exactly on release or expiry. */
    this.schema.createTable('hold_quotas', (table) => {
      table.uuid('hold_id').notNullable().references('holds.id').onDelete('cascade')
      table.bigInteger('quota_id').notNullable().references('quotas.id').onDelete('cascade')
      table.integer('quantity').notNullable()
      table.primary(['hold_id', 'quota_id'])
    })

    /** Each seat of a reserved-seating session; held by at most one hold. */
    this.schema.createTable('session_seats', (table) => {
      table.bigInteger('session_id').notNullable().references('sessions.id').onDelete('cascade')
      table.bigInteger('seat_id').notNullable().references('seats.id').onDelete('cascade')
      table.string('status', 10).notNullable().defaultTo('available').checkIn(['available', 'held', 'sold', 'blocked'])
      table.uuid('hold_id').references('holds.id').onDelete('set null')
      table.primary(['session_id', 'seat_id'])
      table.index(['hold_id'])
    })
    this.schema.raw(
      "alter table session_seats add constraint session_seats_hold_matches_status check ((status = 'held') = (hold_id is not null))"
    )

    /** One ID number, one ticket per scope (session or day): the unique key holds under concurrency. */
    this.schema.createTable('real_name_claims', (table) => {
      table.string('scope', 60).notNullable()
      table.string('id_hash', 64).notNullable()
      table.uuid('hold_id').references('holds.id').onDelete('cascade')
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.primary(['scope', 'id_hash'])
      table.index(['hold_id'])
    })

    /** Price calendar: overrides of a product's base price. */
    this.schema.createTable('price_rules', (table) => {
      table.bigIncrements('id')
      table.bigInteger('product_id').notNullable().references('products.id').onDelete('cascade')
      table.bigInteger('session_id').references('sessions.id').onDelete('cascade')
      table.date('date_from')
      table.date('date_to')
      table.string('day_kind', 10).notNullable().defaultTo('any').checkIn(['any', 'weekday', 'weekend', 'holiday'])
      table.integer('price').notNullable()
      table.integer('member_price')
      timestamps(table)
      table.index(['product_id'])
    })
    this.schema.raw('alter table price_rules add constraint price_rules_prices check (price >= 0 and (member_price is null or member_price >= 0))')
    this.schema.raw('alter table price_rules add constraint price_rules_dates check (date_to is null or date_from is null or date_to >= date_from)')

    /** Public holidays and make-up working days (调休) of the venue's calendar. */
    this.schema.createTable('calendar_days', (table) => {
      table.date('day').primary()
      table.string('kind', 10).notNullable().checkIn(['holiday', 'workday'])
      table.string('name', 60)
    })
  }

  async down() {
    for (const table of ['calendar_days', 'price_rules', 'real_name_claims', 'session_seats', 'hold_quotas', 'hold_items', 'holds', 'quota_products', 'quotas', 'sessions', 'package_parts', 'products', 'seats', 'zones', 'sites']) {
      this.schema.dropTableIfExists(table)
    }
  }
}
