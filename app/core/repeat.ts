import logger from '@adonisjs/core/services/logger'

/** Runs `work` every `intervalMs` (never two runs at once) until the returned stop function is called. */
export function repeatEvery(intervalMs: number, name: string, work: () => Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const tick = async () => {
    await work().catch((error) => logger.error({ err: error }, `${name} failed`))
    if (!stopped) timer = setTimeout(tick, intervalMs)
  }
  timer = setTimeout(tick, intervalMs)
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
