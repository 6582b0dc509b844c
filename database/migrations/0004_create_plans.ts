import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Plans (套餐): what a venue may use (sites, staff accounts, orders per calendar month) and the
 * commission the platform takes on its paid orders. A limit left null is unlimited. A venue
 * without a plan has no limits and pays no commission.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('plans', (table) => {
      table.bigIncrements('id')
      table.string('name', 60).notNullable()
      table.string('description', 300)
      table.integer('max_sites')
      table.integer('max_staff')
      table.integer('max_monthly_orders')
      /** Commission in basis points of the paid amount: 250 = 2.5%. */
      table.integer('commission_bp').notNullable().defaultTo(0)
      table.boolean('active').notNullable().defaultTo(true)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    this.schema.raw('create unique index plans_name_unique on plans (lower(name))')
    this.schema.raw(`alter table plans add constraint plans_limits_check check (
      (max_sites is null or max_sites >= 0) and (max_staff is null or max_staff >= 0)
      and (max_monthly_orders is null or max_monthly_orders >= 0) and commission_bp between 0 and 10000)`)

    this.schema.alterTable('tenants', (table) => {
      // A plan in use cannot be deleted (deactivate it instead).
      table.bigInteger('plan_id').references('plans.id').onDelete('restrict')
      table.index(['plan_id'])
    })
  }

  async down() {
    this.schema.alterTable('tenants', (table) => {
      table.dropColumn('plan_id')
    })
    this.schema.dropTable('plans')
  }
}
