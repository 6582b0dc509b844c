/*
 * What the sandbox remembers between starts (keys, merchants, its ledger), as one JSON document
 * in its data directory, written atomically shortly after each change. Without a directory
 * (tests) it lives in memory only.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export class SandboxState {
  #data: Record<string, any>
  #file?: string
  #timer?: NodeJS.Timeout

  constructor(dataDir?: string) {
    this.#data = {}
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true })
      this.#file = join(dataDir, 'state.json')
      try {
        this.#data = JSON.parse(readFileSync(this.#file, 'utf8'))
      } catch {
        this.#data = {}
      }
    }
  }

  /** A named section of the state (created empty on first use); call `changed()` after mutating it. */
  section<T extends object>(name: string, initial: () => T): T {
    if (!(name in this.#data)) {
      this.#data[name] = initial()
      this.changed()
    }
    return this.#data[name]
  }

  changed() {
    if (!this.#file || this.#timer) return
    this.#timer = setTimeout(() => this.flush(), 50)
    this.#timer.unref()
  }

  flush() {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (!this.#file) return
    writeFileSync(`${this.#file}.tmp`, JSON.stringify(this.#data))
    renameSync(`${this.#file}.tmp`, this.#file)
  }
}
