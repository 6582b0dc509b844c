import { defineConfig, stores } from '@adonisjs/limiter'

/* Throttles live in PostgreSQL so that every app process shares them (no Redis required). */
const limiterConfig = defineConfig({
  default: 'database',
  stores: {
    database: stores.database({ tableName: 'rate_limits', clearExpiredByTimeout: true }),
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
import type { InferLimiters } from '@adonisjs/limiter/types'
