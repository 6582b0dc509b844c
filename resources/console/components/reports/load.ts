/*
 * A screen's loading flag and error line around its loads, and its changes' messages. Loads are answered in the order they
 * were asked: an older answer arriving after a newer one (filters changed quickly) is dropped, not
 * shown over it.
 */
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { problem } from '../../session'

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

/** A change from a list's row: done, it says so and reloads the list; refused, it says why. */
export async function changeThenReload(change: () => Promise<unknown>, done: string, reload: () => Promise<void>) {
  try {
    await change()
  } catch (caught) {
    ElMessage.error(problem(caught))
    return
  }
  ElMessage.success(done)
  await reload()
}
