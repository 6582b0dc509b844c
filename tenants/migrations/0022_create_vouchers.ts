import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Vouchers (pretix's sense) on top of coupons: a campaign's code can
 * - unlock hidden products: a product marked `requires_voucher` is never listed to visitors and
 *   is sold only with a code whose campaign names it among its products (kind 'none': a voucher
 *   that only unlocks, no discount; a 100% off one on an invitation product is a comp ticket, 赠票);
 * - buy places set aside for it (预留名额). A reserve is a row per (campaign, quota) counting the
 *   places still set aside; the quota keeps their sum in `reserved`, and the database refuses
 *   held + sold + reserved > capacity. General holds see capacity - held - sold - reserved; a
 *   voucher hold takes min(quantity, reserve) out of the reserve (reserve and quota.reserved go
 *   down, held goes up by the whole quantity) and the rest from the general places, in the one
 *   hold statement that already locks the quota rows. Every change to a reserve first locks its
 *   quota row, so parallel holds are decided one after another: a reserve is never taken twice
 *   and the session never oversold. A released or expired hold puts its reserved places back into
 *   the reserve if its row is still there (a reserve lowered to nothing, or its campaign disabled,
 *   is deleted: the places go to general sale). Paid places stay taken; a refunded one goes back
 *   to general sale.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('products', (table) => {
      table.boolean('requires_voucher').notNullable().defaultTo(false)
    })

    this.schema.raw('alter table coupon_campaigns drop constraint coupon_campaigns_kind_check')
    this.schema.raw("alter table coupon_campaigns add constraint coupon_campaigns_kind_check check (kind in ('amount_off', 'percent_off', 'none'))")

    this.schema.alterTable('quotas', (table) => {
      /** Places set aside for vouchers and not held by them (the sum of voucher_reserves.places). */
      table.integer('reserved').notNullable().defaultTo(0)
    })
    this.schema.raw('alter table quotas drop constraint quotas_never_oversold')
    this.schema.raw(
      'alter table quotas add constraint quotas_never_oversold check (held >= 0 and sold >= 0 and reserved >= 0 and capacity >= 0 and held + sold + reserved <= capacity)'
    )

    this.schema.createTable('voucher_reserves', (table) => {
      table.bigIncrements('id')
      table.bigInteger('campaign_id').notNullable().references('coupon_campaigns.id').onDelete('CASCADE')
      table.bigInteger('quota_id').notNullable().references('quotas.id').onDelete('CASCADE')
      /** Places still set aside (not held or sold through the reserve). */
      table.integer('places').notNullable()
      table.unique(['campaign_id', 'quota_id'])
      table.index(['quota_id'])
    })
    this.schema.raw('alter table voucher_reserves add constraint voucher_reserves_places_check check (places >= 0)')
  }

  async down() {
    this.schema.dropTable('voucher_reserves')
    this.schema.raw('alter table quotas drop constraint quotas_never_oversold')
    this.schema.raw('alter table quotas add constraint quotas_never_oversold check (held >= 0 and sold >= 0 and capacity >= 0 and held + sold <= capacity)')
    this.schema.alterTable('quotas', (table) => {
      table.dropColumn('reserved')
    })
    this.schema.raw('alter table coupon_campaigns drop constraint coupon_campaigns_kind_check')
    this.schema.raw("alter table coupon_campaigns add constraint coupon_campaigns_kind_check check (kind in ('amount_off', 'percent_off'))")
    this.schema.alterTable('products', (table) => {
      table.dropColumn('requires_voucher')
    })
  }
}
