import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * The venue's WeChat official account (公众号): its credentials and settings, the access token and
 * JS-SDK ticket WeChat issued for it, the visitors' WeChat identities, keyword replies, template
 * messages sent, OAuth states in flight, and the login codes sent by SMS to visitors outside WeChat.
 */
export default class extends BaseSchema {
  async up() {
    /** At most one official account per venue (id is always 1). */
    this.schema.createTable('wechat_accounts', (table) => {
      table.smallint('id').primary().defaultTo(1)
      table.string('app_id', 32).notNullable()
      /** AppSecret, server Token and EncodingAESKey, as one encrypted JSON text. */
      table.text('secrets').notNullable()
      /** 消息加解密方式: 明文 plain, 兼容 compatible, 安全 safe. */
      table.string('message_mode', 10).notNullable().defaultTo('plain').checkIn(['plain', 'compatible', 'safe'])
      table.string('welcome_text', 600)
      /** Per event (tickets_issued, ...): { templateId, fields } */
      table.jsonb('templates').notNullable().defaultTo('{}')
      /** The menu as staff defined it, and when it was last published to WeChat. */
      table.jsonb('menu')
      table.timestamp('menu_published_at', { useTz: true })
      table.string('test_status', 10).notNullable().defaultTo('untested').checkIn(['untested', 'ok', 'failed'])
      table.timestamp('tested_at', { useTz: true })
      table.string('test_error', 500)
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })
    this.schema.raw('alter table wechat_accounts add constraint wechat_accounts_single check (id = 1)')

    /** access_token and jsapi_ticket as WeChat issued them (encrypted), shared by every app process. */
    this.schema.createTable('wechat_tokens', (table) => {
      table.string('kind', 20).primary().checkIn(['access_token', 'jsapi_ticket'])
      table.string('app_id', 32).notNullable()
      table.text('value').notNullable()
      /** SHA-256 of the value: which token WeChat refused, without decrypting every row. */
      table.string('fingerprint', 64).notNullable()
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('refreshed_at', { useTz: true }).notNullable()
    })

    /** A visitor's openid at one official account (and unionid across the venue's accounts). */
    this.schema.createTable('wechat_identities', (table) => {
      table.bigIncrements('id')
      table.bigInteger('visitor_id').notNullable().references('visitors.id').onDelete('cascade')
      table.string('app_id', 32).notNullable()
      table.string('openid', 64).notNullable()
      table.string('unionid', 64)
      table.string('nickname', 60)
      table.string('avatar_url', 500)
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('last_login_at', { useTz: true })
      table.unique(['app_id', 'openid'])
      table.unique(['app_id', 'visitor_id'])
      table.index(['unionid'])
    })

    this.schema.createTable('wechat_keyword_replies', (table) => {
      table.bigIncrements('id')
      table.string('keyword', 30).notNullable()
      /** exact: the whole message; contains: anywhere in it. Exact matches win, then list order. */
      table.string('match', 10).notNullable().checkIn(['exact', 'contains'])
      table.string('reply', 600).notNullable()
      table.integer('position').notNullable()
      table.unique(['keyword', 'match'])
    })

    /** Each template message WeChat accepted (msgid), and its final result (TEMPLATESENDJOBFINISH). */
    this.schema.createTable('wechat_template_sends', (table) => {
      table.bigIncrements('id')
      table.bigInteger('outbox_message_id').notNullable().unique()
      table.string('event', 40).notNullable()
      table.string('template_id', 64).notNullable()
      table.string('openid', 64).notNullable()
      table.string('msgid', 32).notNullable()
      table.string('status', 20).notNullable().defaultTo('sent').checkIn(['sent', 'delivered', 'user_blocked', 'failed'])
      table.timestamp('sent_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('finished_at', { useTz: true })
      table.index(['msgid'])
    })

    /** OAuth `state` values in flight: bound to a browser session, used once, short-lived. */
    this.schema.createTable('wechat_oauth_states', (table) => {
      table.string('state_hash', 64).primary()
      table.string('session_binding', 64).notNullable()
      table.string('scope', 20).notNullable()
      table.string('return_to', 500).notNullable()
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.index(['expires_at'])
    })

    /** SMS login codes for visitors outside WeChat: hashed, 5 minutes, 5 attempts. */
    this.schema.createTable('visitor_login_codes', (table) => {
      table.bigIncrements('id')
      table.string('phone', 20).notNullable()
      table.string('code_hash', 255).notNullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('consumed_at', { useTz: true })
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.index(['phone', 'id'])
    })
  }

  async down() {
    for (const name of ['visitor_login_codes', 'wechat_oauth_states', 'wechat_template_sends', 'wechat_keyword_replies', 'wechat_identities', 'wechat_tokens', 'wechat_accounts']) {
      this.schema.dropTable(name)
    }
  }
}
