import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * The venue's face to visitors: its profile (name override, intro, notice 公告, opening hours,
 * address and map position, phone, theme colour, logo, default language), the images it uploads
 * and the ordered banners of its home page. Images live in the database, not on a disk, so any
 * of several stateless app servers can serve them; their URLs name the content's hash, so
 * browsers and CDNs keep them for a year.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('venue_images', (table) => {
      table.bigIncrements('id')
      table.binary('data').notNullable()
      table.string('content_type', 20).notNullable().checkIn(['image/png', 'image/jpeg', 'image/webp'])
      /** SHA-256 of the bytes, hex: the same picture uploaded twice is stored once. */
      table.string('sha256', 64).notNullable().unique()
      table.integer('width').notNullable()
      table.integer('height').notNullable()
      table.integer('byte_size').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
    })

    /** One row per venue (id is always 1), created here so every venue has one. */
    this.schema.createTable('venue_profile', (table) => {
      table.smallint('id').primary().defaultTo(1)
      /** Null: the venue's registered name. */
      table.string('display_name', 100)
      table.text('intro')
      table.string('notice', 1000)
      table.string('opening_hours', 500)
      table.string('address', 300)
      table.double('latitude')
      table.double('longitude')
      table.string('phone', 30)
      table.string('theme_color', 7).notNullable().defaultTo('#1989fa')
      table.bigInteger('logo_image_id').references('venue_images.id').onDelete('restrict')
      table.string('default_locale', 5).notNullable().defaultTo('zh-CN').checkIn(['zh-CN', 'en'])
      /** When staff finished the console's setup wizard (开通向导); null: not yet, so it is offered. */
      table.timestamp('onboarding_completed_at', { useTz: true })
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })
    this.schema.raw('alter table venue_profile add constraint venue_profile_single check (id = 1)')
    this.schema.raw("alter table venue_profile add constraint venue_profile_theme_color check (theme_color ~ '^#[0-9a-f]{6}$')")
    this.schema.raw(
      'alter table venue_profile add constraint venue_profile_location check ((latitude is null) = (longitude is null) and (latitude is null or (latitude between -90 and 90 and longitude between -180 and 180)))'
    )
    this.schema.raw('insert into venue_profile (id) values (1)')

    this.schema.createTable('venue_banners', (table) => {
      table.bigIncrements('id')
      table.bigInteger('image_id').notNullable().references('venue_images.id').onDelete('restrict')
      /** An http(s) URL, or a path within the venue's pages ('/…' or '#/…'). */
      table.string('link', 500)
      table.string('alt', 100).notNullable().defaultTo('')
      table.integer('position').notNullable().unique()
      table.index(['image_id'])
    })
  }

  async down() {
    this.schema.dropTable('venue_banners')
    this.schema.dropTable('venue_profile')
    this.schema.dropTable('venue_images')
  }
}
