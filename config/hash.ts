import { defineConfig, drivers } from '@adonisjs/core/hash'

/*
 * scrypt: a memory-hard password hash built into Node (no native addon to compile for Node 24).
 */
const hashConfig = defineConfig({
  default: 'scrypt',
  list: {
    scrypt: drivers.scrypt({ cost: 16384, blockSize: 8, parallelization: 1, maxMemory: 33554432 }),
  },
})

export default hashConfig

declare module '@adonisjs/core/types' {
  export interface HashersList extends InferHashers<typeof hashConfig> {}
}
import type { InferHashers } from '@adonisjs/core/types'
