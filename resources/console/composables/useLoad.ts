/*
 * A screen's loading flag and error line around its loads, and the changes staff make from it.
 * Loads are answered in the order they were asked: an older answer arriving after a newer one
 * (filters changed quickly) is dropped, not shown over it.
 */
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { problem } from '../session'

export function useLoad() {
  const loading = ref(false)
  const error = ref('')
  let asked = 0

  /** The request's answer; null when it failed (the error is shown) or a newer load was asked since. */
  async function run<T>(request: () => Promise<T>): Promise<T | null> {
    const mine = ++asked
    loading.value = true
    error.value = ''
    try {
      const answer = await request()
      return mine === asked ? answer : null
    } catch (caught) {
      if (mine === asked) error.value = problem(caught)
      return null
    } finally {
      if (mine === asked) loading.value = false
    }
  }

  return { loading, error, run }
}

/**
 * The changes a screen makes to what it shows (a row's status, a member's points...): done, each
 * says so and the screen reloads; refused, a message says why. `change` answers whether it was done.
 */
export function useChange(reload: () => Promise<unknown>) {
  const busy = ref(false)

  async function change(run: () => Promise<unknown>, done: string) {
    busy.value = true
    try {
      await run()
      ElMessage.success(done)
      await reload()
      return true
    } catch (caught) {
      ElMessage.error(problem(caught))
      return false
    } finally {
      busy.value = false
    }
  }

  return { busy, change }
}
