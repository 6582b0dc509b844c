/*
 * A form's actions (save, test, grant...): which one is running (its button spins, the others
 * wait) and the error line the last one left. A refused action shows the API's problem and
 * resolves undefined, so the caller goes on only with an answer.
 */
import { computed, ref, type Ref } from 'vue'
import { problem } from '../session'

export function useAction<Name extends string = 'save'>() {
  const running = ref(null) as Ref<Name | null>
  const busy = computed(() => running.value !== null)
  const error = ref('')

  async function act<T>(work: () => Promise<T>, name = 'save' as Name): Promise<T | undefined> {
    running.value = name
    error.value = ''
    try {
      return await work()
    } catch (caught) {
      error.value = problem(caught)
      return undefined
    } finally {
      running.value = null
    }
  }

  return { running, busy, error, act }
}
