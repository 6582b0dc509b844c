/* A paginated list from the platform API (`{ meta: { total }, data }`), with the filters a screen gives. */
import { ref, type Ref } from 'vue'
import { api, problem } from './session'

export function usePagedList<T>(path: string, perPage: number, filters: () => Record<string, string | null | undefined>) {
  const rows = ref([]) as Ref<T[]>
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const error = ref('')

  async function load() {
    loading.value = true
    error.value = ''
    const query = new URLSearchParams({ page: String(page.value), perPage: String(perPage) })
    for (const [key, value] of Object.entries(filters())) if (value) query.set(key, value)
    try {
      const answer = await api<{ meta: { total: number }; data: T[] }>('GET', `${path}?${query}`)
      rows.value = answer.data
      total.value = answer.meta.total
    } catch (failure) {
      error.value = problem(failure)
    } finally {
      loading.value = false
    }
  }

  /** From the first page again (the filters changed). */
  function reload() {
    page.value = 1
    return load()
  }

  return { rows, total, page, loading, error, load, reload }
}
