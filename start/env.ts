/*
 * Environment variables, validated at boot. The database itself is located before boot
 * (app/core/runtime.ts): DATABASE_URL, the PG* variables, or an embedded server.
 */
import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string.optional({ format: 'host' }),
  LOG_LEVEL: Env.schema.string.optional(),
  APP_KEY: Env.schema.secret(),

  /** The platform's own host; venues live at <slug>.<BASE_HOST> or their custom domains. */
  BASE_HOST: Env.schema.string.optional(),
  /** Public URL of the platform (used in printed links); defaults to http://HOST:PORT. */
  APP_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  DATABASE_URL: Env.schema.string.optional(),
  DB_POOL_MAX: Env.schema.number.optional(),

  /** true: new venues wait for a platform operator's approval; false: they go live at once. */
  SIGNUP_REQUIRES_APPROVAL: Env.schema.boolean.optional(),
  TENANT_MIGRATION_CONCURRENCY: Env.schema.number.optional(),

  /** The local sandbox of outside parties (payment gateways, WeChat API): development, demo, tests. Unset in production. */
  SANDBOX_URL: Env.schema.string.optional({ format: 'url', tld: false }),
})
